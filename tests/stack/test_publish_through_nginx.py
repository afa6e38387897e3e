"""Editor → approver → worker → citizen on the production stack, everything through nginx
over HTTPS: the admin on gunicorn, the build on the RQ worker, the site, its feed and its
search served as in production."""

import re
from urllib.parse import quote

import pytest
from browser_support import log_in, shot
from stack_support import fetch, new_draft_notice, wait_for

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.stack


def test_an_approved_notice_reaches_site_feed_and_search_through_nginx(site, new_page):
    draft = new_draft_notice()
    title = draft["title"]

    # The editor opens the draft, drops the office's draft mark and submits it.
    editor = new_page()
    log_in(editor, site, "editor")
    editor.goto(f"{site}/admin/pages/{draft['id']}/edit/")
    editor.get_by_placeholder("页面标题*").fill(title)
    actions = editor.get_by_role("navigation", name="动作（页脚）")
    actions.get_by_role("button", name="更多动作").click()
    expect(actions.get_by_role("button", name=re.compile("发布"))).to_have_count(0)
    actions.get_by_role("button", name="提交给公开审核").click()
    expect(editor.get_by_text(re.compile(f"{re.escape(title)}.*已经提交进行审核"))).to_be_visible()
    shot(editor, "stack-1-editor-submitted")
    assert fetch(f"{site}/notices/{draft['id']}/").status == 404  # nothing public yet

    # An approver approves it from the dashboard.
    approver = new_page()
    log_in(approver, site, "approver")
    awaiting = approver.locator("section", has=approver.get_by_role("heading", name="等待你的审查"))
    row = awaiting.get_by_role("row").filter(has=approver.get_by_role("link", name=title))
    row.get_by_role("button", name="动作").click()
    row.get_by_role("button", name="批准", exact=True).click()
    # The approval dialog says what approving now does (the period), then posts it.
    dialog = approver.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile(r"公示期为\d{4}年\d+月\d+日至"))).to_be_visible()
    with approver.expect_navigation():
        dialog.get_by_role("button", name="批准").click()
    expect(awaiting.get_by_role("link", name=title)).to_have_count(0)
    shot(approver, "stack-2-approver-approved")

    # Nobody runs a build: the worker does, and nginx serves it as soon as it is live.
    url = f"{site}/notices/{draft['id']}/"
    _, seconds = wait_for(lambda: fetch(url).status == 200, what="the approved notice")
    print(f"approved → public through nginx in {seconds:.1f} s")

    citizen = new_page()
    citizen.goto(site + "/")
    expect(citizen.get_by_role("link", name=title).first).to_be_visible()
    citizen.get_by_role("link", name=title).first.click()
    expect(citizen).to_have_url(url)
    expect(citizen.get_by_role("heading", level=1)).to_have_text(title)
    # The list, named as its regulation names it (拟获奖名单 and the like).
    listed = (
        citizen.get_by_role("table").filter(has_text=draft["entries"][0]).get_by_role("rowheader")
    )
    expect(listed).to_have_text(draft["entries"])
    assert citizen.get_by_text("【草稿】").count() == 0
    shot(citizen, "stack-3-citizen-notice")

    # In the feeds, with the feed's own type.
    feed = fetch(f"{site}/feeds/all.atom")
    assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert title in feed.text() and url in feed.text()

    # In search, through the search service behind nginx.
    citizen.goto(f"{site}/search/?q={quote(title)}")
    expect(citizen.get_by_role("link", name=title).first).to_be_visible()
    shot(citizen, "stack-4-citizen-search")
    answer = fetch(f"{site}/search.json?q={quote(title)}")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/json")
    assert f"/notices/{draft['id']}/" in answer.text()
