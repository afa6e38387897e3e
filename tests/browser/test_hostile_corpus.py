"""Every hostile input of the corpus (tests/hostile_inputs.py: scripts, event handlers,
javascript: and data: URLs, SVG, Markdown and link injection, formula cells, bidi and
zero-width characters, null bytes, very long strings, hostile file names and types) in
every field an editor writes — notice title, 文号, summary, body (as text and as a link's
address), entry names, objection method, change note, decision, revocation facts, channel
texts — and through every public surface: every page and feed of the built site, search,
verify, the report form (its notice list, ?notice=, a submission with hostile files) and
the status page. The test fails on any dialog, console error or injected element.

Extends test_payloads.py (a handful of payloads on one notice, its links clicked) to the
whole corpus and every surface."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from browser_support import build_site
from django.conf import settings as django_settings
from django.utils import timezone
from factories import draft_notice, published_awards
from hostile_inputs import CORPUS, FILES, stored
from intake_client import PASSPHRASE, publish_channel
from wagtail.rich_text import RichText

from cms.notices.models import PublicityEntry
from cms.revocations.models import RevocationPage
from cms.supervision.models import GroupKey
from gongshi_site import shared_dirs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]

# Elements and attributes no input may bring into a page.
INJECTED = ", ".join(
    [
        "[onerror]",
        "[onload]",
        "[onclick]",
        "[onfocus]",
        "[onmouseover]",
        "[ontoggle]",
        "[onbegin]",
        "[onstart]",
        "[srcdoc]",
        "iframe",
        "object",
        "embed",
        "marquee",
        "details",
        "video",
        "math",
        "svg script",
        "img[src='x']",
        "script:not([src])",
        "script[src*='evil']",
        "a[href^='javascript' i]",
        "a[href^='data:' i]",
        "a[href^='vbscript' i]",
        "a[href*='\tscript' i]",
    ]
)


class Watch:
    """Dialogs and console errors of one page, and the check that nothing ran."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"{response.status} {response.url}")
                if response.status >= 400 and response.request.resource_type != "document"
                else None
            ),
        )

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message):
        # The browser's own request for /favicon.ico (the site has none) is not the page's.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def visit(self, url: str) -> None:
        self._answered(self.page.goto(url), url)

    def submit(self, button, where: str) -> int:
        """Click a form's submit button; the answer's status."""
        with self.page.expect_navigation() as navigation:
            button.click()
        return self._answered(navigation.value, where)

    def _answered(self, response, url: str) -> int:
        assert response is not None and response.status < 500, f"{url}: {response.status}"
        if response.status >= 400:
            # Chromium logs the page's own status (a 404 page, a refused query) as a
            # console error, a moment later; only that one line is expected.
            self.page.wait_for_timeout(100)
            own = f"the server responded with a status of {response.status}"
            self.errors[:] = [error for error in self.errors if own not in error]
        self.check(url)
        return response.status

    def check(self, where: str) -> None:
        page = self.page
        page.wait_for_load_state()
        assert page.evaluate("typeof window.__xss") == "undefined", (
            f"{where}: an input ran ({page.evaluate('String(window.__xss)')})"
        )
        injected = page.locator(INJECTED)
        assert injected.count() == 0, (
            f"{where}: injected {injected.first.evaluate('e => e.outerHTML')[:200]}"
        )
        assert self.dialogs == [], f"{where}: dialogs opened: {self.dialogs}"
        assert self.errors == [], f"{where}: console errors: {self.errors}"


def _document_number(text: str, number: int) -> str:
    """The input as a 文号's issuer, the one part GB/T 9704 leaves free (no spaces or
    brackets: the form refuses those with a message)."""
    issuer = re.sub(r"[\s〔〕\[\]()（）【】]", "", stored(text))[:48] or "运"
    return f"{issuer}〔2023〕{number + 1}号"


def _body(text: str) -> str:
    """A rich text body as the editor's database HTML holds it: the input as text, and
    as a link's address."""
    from django.utils.html import escape

    return (
        f"<p>正文：{escape(text)}</p>"
        f'<p><a href="{escape(text)}">链接</a>，<a href="https://example.gov.cn/?q={escape(text)}">'
        "查询</a></p>"
    )


@pytest.fixture
def hostile_content(edition, programmes):
    """A notice per input, every editor-written field holding it; a decision whose winners
    are the inputs; a revocation whose facts are; a channel whose texts are."""
    today = timezone.localdate()
    notices = []
    for number, (_category, text) in enumerate(CORPUS):
        value = stored(text)
        notice = draft_notice(
            edition,
            slug=f"hostile-{number}",
            title=stored(text, 200) or "空",
            document_number=_document_number(text, number),
            summary=stored(text, 500),
            body=RichText(_body(value)),
            objection_method=value or "书面",
            date_signed=today - timedelta(days=3),
            start_date=today - timedelta(days=2),
            end_date=today + timedelta(days=6),
            entries=[
                PublicityEntry(name=stored(text, 200) or "空", category="organisation"),
                PublicityEntry(name=f"示例{number}有限公司", category="organisation"),
            ],
        )
        notice.save_revision().publish()
        notice.change_note = value
        notice.save_revision().publish()
        notices.append(notice)

    rows = [{"recipient": stored(text, 200) or "空"} for _category, text in CORPUS[:40]]
    awards = published_awards(edition, rows, date(2023, 12, 20))
    revocation = RevocationPage(
        title=stored(CORPUS[0][1], 200),
        slug="hostile-revocation",
        issuing_body="运城市人民政府",
        date_signed=date(2024, 3, 1),
        award=awards[0],
        facts="\n".join(stored(text) for _category, text in CORPUS),
        legal_basis="第三十条",
        live=False,
    )
    programme = programmes["yuncheng"]
    programme.add_child(instance=revocation)
    revocation.grounds.set([programme.revocation_grounds.first()])
    revocation.save_revision().publish()

    joined = "\n".join(stored(text, 300) for _category, text in CORPUS)
    publish_channel(
        programme,
        name=stored(CORPUS[12][1], 100),
        office=stored(CORPUS[1][1], 200),
        office_hours=stored(CORPUS[20][1], 200),
        report_contents=joined,
        procedure=joined,
        confidentiality_promise=joined,
        deadline_rule=joined,
    )
    GroupKey.generate(PASSPHRASE)
    return notices


def test_the_corpus_runs_nowhere(
    hostile_content, live_server, new_page, serve_site, tmp_path, settings
):
    settings.GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT = (1000, 3600)
    settings.GONGSHI_RECEIPT_FAILURES_PER_CLIENT = (1000, 3600)
    site_dir = tmp_path / "site"
    build_site(site_dir)
    base = serve_site(site_dir, cms_url=live_server.url)
    live = site_dir / "live"
    watch = Watch(new_page())
    surfaces = 0

    # Every page of the built site.
    # shared_dirs.files: a build shares directories with the one before (ADR 42)
    files = list(shared_dirs.files(live))
    for path in [p for p in files if p.suffix == ".html"]:
        relative = path.relative_to(live).as_posix()
        url = f"{base}/{relative[: -len('index.html')] if relative.endswith('index.html') else relative}"
        watch.visit(url)
        surfaces += 1
    # Every feed and data file: well-formed XML whose elements are the feed's own, never
    # markup an input brought (opened in Chromium, its XML viewer's own inline styles
    # would count as the site's CSP violations, so they are read, not shown).
    for path in [p for p in files if p.suffix in (".xml", ".atom", ".rss")]:
        tags = {element.tag.rsplit("}", 1)[-1] for element in ElementTree.parse(path).iter()}
        assert not tags & {"script", "img", "iframe", "svg", "object", "embed", "a", "style"}, path
        surfaces += 1
    assert surfaces > len(CORPUS)

    # Search, verify and the report form's ?notice= with every input as the query.
    for _category, text in CORPUS:
        query = quote(text[:2000], safe="")
        watch.visit(f"{base}/search?q={query}")
        watch.visit(f"{base}/verify?q={query}")
        watch.visit(f"{base}/report/?programme={query}&notice={query}")
    # The report form lists the notices, each preselected with its names suggested.
    for notice in hostile_content[:20]:
        watch.visit(f"{base}/report/?programme=yuncheng&notice={notice.pk}")

    # A submission with every input in its fields, hostile files attached.
    page = watch.page
    for number, (_category, text) in enumerate(CORPUS[::7]):
        watch.visit(f"{base}/report/?programme=yuncheng&notice={hostile_content[0].pk}")
        page.get_by_label("被举报单位或个人", exact=False).fill(stored(text, 200))
        page.get_by_label("举报内容", exact=False).fill(stored(text, 20000) or "内容")
        page.get_by_label("匿名举报（不留姓名和联系方式）").check()
        if number == 0:
            page.locator("input[type=file]").set_input_files(
                [{"name": name, "mimeType": kind, "buffer": data} for name, data, kind in FILES]
            )
        answer = watch.submit(page.get_by_role("button", name="加密提交"), f"report {text[:40]!r}")
        # Refused (400) with the hostile files, which are never stored; received without.
        assert answer == (400 if number == 0 else 200), (text[:40], answer)
    # The status page with every input as a receipt and as an answer.
    for _category, text in CORPUS:
        watch.visit(f"{base}/report/status/")
        page.get_by_label("回执码").fill(stored(text, 60))
        answer = watch.submit(page.get_by_role("button", name="查询"), f"status {text[:40]!r}")
        assert answer in (400, 404), (text[:40], answer)
