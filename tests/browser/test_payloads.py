"""Script written into a notice never runs on the public site: not in the title, a list
entry, the rich text body or any other field, on the notice's page or on the lists that
show it, and clicking every link changes nothing. The payloads stay readable as text."""

import pytest
from browser_support import build_site, shot
from factories import draft_notice

from cms.notices.models import PublicityEntry

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TITLE = """<img src=x onerror="window.__xss='title'">"""
ENTRY = "<script>window.__xss='entry'</script>"
BODY = (
    "<p>异议请<a href=\"javascript:window.__xss='link'\">点我</a>提交。</p>"
    "<p><img src=x onerror=\"window.__xss='body'\"></p>"
    "<p><a href=\"JaVaScRiPt:alert('link2')\">再点我</a></p>"
)
SUMMARY = "<svg onload=\"alert('summary')\"></svg>摘要"
OBJECTION = "<iframe src=\"javascript:alert('objection')\"></iframe>书面提出"


@pytest.fixture
def hostile_site(edition, tmp_path, serve_site):
    notice = draft_notice(
        edition,
        title=TITLE,
        summary=SUMMARY,
        body=BODY,
        objection_method=OBJECTION,
        entries=[
            PublicityEntry(
                name=ENTRY, category="organisation", credit_code="", region="<b>运城</b>"
            )
        ],
    )
    notice.save_revision().publish()
    build_site(tmp_path / "site")
    return serve_site(tmp_path / "site"), notice


def watch(page) -> list[str]:
    """Every dialog the page opens (alert, confirm, prompt), dismissed and recorded."""
    dialogs = []

    def record(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def assert_nothing_ran(page, dialogs, where):
    assert page.evaluate("typeof window.__xss") == "undefined", (
        f"{where}: a payload ran ({page.evaluate('String(window.__xss)')})"
    )
    assert dialogs == [], f"{where}: dialogs opened: {dialogs}"


def test_payloads_in_a_notice_never_run(hostile_site, page):
    base, notice = hostile_site
    url = f"{base}/notices/{notice.pk}/"
    dialogs = watch(page)

    page.goto(url)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main.get_by_role("rowheader")).to_have_text(ENTRY)
    expect(main.get_by_text("点我", exact=False).first).to_be_visible()
    expect(
        page.locator("a[href^='javascript' i], iframe, svg[onload], img[onerror]")
    ).to_have_count(0)
    shot(page, "payloads-notice")
    assert_nothing_ran(page, dialogs, url)

    # Click every link in the main content; whatever it opens must not run anything.
    count = main.get_by_role("link").count()
    assert count > 0
    for index in range(count):
        page.goto(url)
        link = page.get_by_role("main").get_by_role("link").nth(index)
        where = f"{url} link {index} ({link.get_attribute('href')})"
        link.click()
        page.wait_for_load_state()
        assert_nothing_ran(page, dialogs, where)

    # The lists that show the title.
    for path in ("/", "/notices/", f"/programmes/{notice.get_parent().get_parent().slug}/"):
        page.goto(base + path)
        expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
        assert_nothing_ran(page, dialogs, path)
