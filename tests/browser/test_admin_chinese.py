"""What an editor and an approver see in the admin is Chinese: their main screens
(dashboard, page explorer, search, the edit form, the approval list) collected as the
browser shows them (visible text, the window title, placeholders and accessible names),
and no Latin word outside an allow-list, no "None", "True" or "Wagtail"."""

import re

import pytest
from browser_support import log_in, shot
from django.conf import settings as django_settings

from cms.demo.loader import DRAFT_MARK, load_demo
from cms.notices.models import PublicityNoticePage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]

# Latin words an editor may meet: names of formats and standards, and the data they typed.
ALLOWED = {
    "PDF", "Word", "Excel", "CSV", "JSON", "URL", "API", "ICP", "GB", "Ctrl", "Alt", "Shift",
    "Enter", "Esc", "Tab", "ID", "HTML", "MB", "KB", "JavaScript",
}  # fmt: skip
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z])")

COLLECT = """() => {
  const seen = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    for (const name of ['placeholder', 'aria-label', 'title']) {
      if (el.getAttribute(name)) seen.push(el.getAttribute(name));
    }
  }
  return seen.join('\\n');
}"""


def latin_words(page, data: set[str]) -> set[str]:
    text = page.evaluate(COLLECT)
    for typed in data:  # what editors typed (a credit code, a 文号) is theirs, not ours
        text = text.replace(typed, " ")
    return {
        f"{match.group()} in “{text[max(0, match.start() - 20) : match.end() + 20]}”"
        for match in LATIN_WORD.finditer(text)
        if match.group() not in ALLOWED
    }


def visit(page, url, data, name):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    shot(page, f"chinese-{name}")
    return {word: name for word in latin_words(page, data)}


def test_editor_and_approver_screens_have_no_english(live_server, new_page):
    load_demo()
    draft = PublicityNoticePage.objects.not_live().get(title__contains=DRAFT_MARK)
    data = {entry.credit_code for entry in draft.entries.all() if entry.credit_code}
    edition = draft.get_parent()
    base = live_server.url + "/admin"

    found = {}
    editor = new_page()
    log_in(editor, live_server.url, "editor")
    screens = {
        "editor-dashboard": f"{base}/",
        "editor-explorer": f"{base}/pages/{edition.pk}/",
        "editor-search": f"{base}/pages/search/?q=公示",
        "editor-edit": f"{base}/pages/{draft.pk}/edit/",
        "editor-history": f"{base}/pages/{draft.pk}/history/",
    }
    for name, url in screens.items():
        found.update(visit(editor, url, data, name))
    # The window's title names the platform, not the CMS it is built on.
    expect(editor).to_have_title(re.compile(" - 质量奖公示公开平台$"))
    # The editor submits the draft: the approver then has something to approve.
    editor.goto(f"{base}/pages/{draft.pk}/edit/")
    actions = editor.get_by_role("navigation", name="动作（页脚）")
    actions.get_by_role("button", name="更多动作").click()
    actions.get_by_role("button", name="提交给公开审核").click()
    expect(editor.get_by_text(re.compile("已经提交进行审核"))).to_be_visible()
    found.update(visit(editor, f"{base}/pages/{draft.pk}/edit/", data, "editor-submitted"))

    approver = new_page()
    log_in(approver, live_server.url, "approver")
    screens = {
        "approver-dashboard": f"{base}/",
        "approver-explorer": f"{base}/pages/{edition.pk}/",
        "approver-edit": f"{base}/pages/{draft.pk}/edit/",
        "approver-workflow-history": f"{base}/pages/{draft.pk}/workflow_history/",
        "approver-dashboard-awaiting": f"{base}/",
    }
    for name, url in screens.items():
        found.update(visit(approver, url, data, name))
    # The approval dialog, opened from the dashboard's list of what awaits the approver.
    awaiting = approver.locator("section", has=approver.get_by_role("heading", name="等待你的审查"))
    row = awaiting.get_by_role("row").filter(has=approver.get_by_role("link", name=draft.title))
    row.get_by_role("button", name="动作").click()
    row.get_by_role("button", name="批准", exact=True).click()
    expect(approver.get_by_role("dialog")).to_be_visible()
    found.update({word: "approver-dialog" for word in latin_words(approver, data)})
    shot(approver, "chinese-approver-dialog")

    assert not found, f"Latin words on the editor's and approver's screens: {found}"
