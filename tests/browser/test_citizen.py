"""What a citizen does on the public site built from the demo: walk from the home page to
a notice, a decision, the register of winners and a revoked award; read a publicity status
that is right on the day without a rebuild, with and without JavaScript; use it on a
phone, with a keyboard."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from browser_support import shot

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

CHINA = ZoneInfo("Asia/Shanghai")


def nav(page):
    return page.get_by_role("navigation", name="主导航")


def test_walk_from_home_to_a_revoked_award(demo_site, demo_url, page):
    notice, revoked = demo_site.open_notice, demo_site.revoked
    page.goto(demo_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("质量奖公示公开平台")

    # A notice open for objections, from the home page's 正在公示.
    open_now = page.locator("section", has=page.get_by_role("heading", name="正在公示"))
    open_now.get_by_role("link", name=notice["title"]).click()
    expect(page).to_have_url(f"{demo_url}/notices/{notice['id']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(notice["title"])
    expect(page.get_by_role("rowheader")).to_have_text(notice["entries"])
    shot(page, "walk-1-notice")

    # A decision, through the navigation and the list of decisions.
    nav(page).get_by_role("link", name="表彰决定").click()
    expect(page).to_have_url(demo_url + "/decisions/")
    page.get_by_role("link", name=revoked["decision_title"]).click()
    expect(page).to_have_url(f"{demo_url}/decisions/{revoked['decision_id']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(revoked["decision_title"])
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=revoked["recipient"])
    )
    expect(row.get_by_role("link", name=re.compile("^已撤销"))).to_be_visible()
    shot(page, "walk-2-decision")

    # The register of winners, and the revoked winner's own page.
    nav(page).get_by_role("link", name="获奖名录").click()
    expect(page).to_have_url(demo_url + "/winners/")
    expect(page.get_by_role("heading", level=1)).to_have_text("获奖名录")
    shot(page, "walk-3-winners")
    page.get_by_role("link", name=revoked["recipient"], exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(demo_url)}/winners/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(revoked["recipient"])

    # Its 已撤销 banner gives the reason and links to the revocation.
    banner = page.get_by_role("note").filter(has_text="已撤销")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"理由：{revoked['reason']}")
    shot(page, "walk-4-winner-revoked")
    banner.get_by_role("link", name=re.compile("撤销决定")).click()
    expect(page).to_have_url(f"{demo_url}/revocations/{revoked['revocation_id']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(revoked["revocation_title"])
    shot(page, "walk-5-revocation")


def china_moment(day, hour=10) -> str:
    return datetime.combine(day, time(hour), tzinfo=CHINA).isoformat()


def test_publicity_status_follows_the_day_without_a_rebuild(demo_site, demo_url, new_page):
    notice = demo_site.open_notice
    url = f"{demo_url}/notices/{notice['id']}/"
    end = notice["end_date"]
    end_text = f"{end.year}年{end.month}月{end.day}日"

    # As built (and as read without JavaScript): open on the build date.
    static = new_page(java_script_enabled=False)
    static.goto(url)
    publicity = static.locator(".publicity")
    expect(publicity.locator(".status")).to_have_text("公示中")
    expect(publicity.get_by_text(re.compile(f"至 {end_text}，共"))).to_be_visible()
    expect(static.get_by_role("heading", name="受理异议和举报的渠道")).to_be_visible()
    shot(static, "status-1-no-javascript")

    # The day after the period ends, the page built earlier says so by itself.
    later = new_page()
    later.clock.set_fixed_time(china_moment(end + timedelta(days=1)))
    later.goto(url)
    publicity = later.locator(".publicity")
    expect(publicity.locator(".status")).to_have_text("已结束")
    expect(publicity.locator(".publicity-detail")).to_have_text(f"已于{end_text}结束")
    # Where to object is no longer offered once objections are closed.
    expect(later.get_by_role("heading", name="受理异议和举报的渠道")).to_be_hidden()
    shot(later, "status-2-after-the-end")

    # On the last day, late in the evening in China, it is still open.
    last_day = new_page()
    last_day.clock.set_fixed_time(china_moment(end, hour=23))
    last_day.goto(url)
    expect(last_day.locator(".publicity .status")).to_have_text("公示中")
    expect(last_day.locator(".publicity .publicity-detail")).to_have_text("今天是公示期最后一天")


PHONE = {"width": 375, "height": 812}


@pytest.mark.parametrize("name", ["home", "notice", "decision", "winners"])
def test_no_sideways_scrolling_on_a_phone(demo_site, demo_url, new_page, name):
    path = {
        "home": "/",
        "notice": f"/notices/{demo_site.open_notice['id']}/",
        "decision": f"/decisions/{demo_site.revoked['decision_id']}/",  # a wide table
        "winners": "/winners/",
    }[name]
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(demo_url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    shot(page, f"phone-{name}")
    assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px screen"


def test_keyboard_reaches_the_skip_link_then_the_navigation_on_a_phone(demo_url, new_page):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(demo_url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    shot(page, "phone-skip-link")

    # Every link of the navigation, in order, within a few more presses.
    links = nav(page).get_by_role("link")
    names = links.all_inner_texts()
    assert names[0] == "首页" and "获奖名录" in names
    for _ in range(8):  # the site's name, the header's search box and 获奖核验 come first
        page.keyboard.press("Tab")
        if links.first.evaluate("link => link === document.activeElement"):
            break
    for index, name in enumerate(names):
        if index:
            page.keyboard.press("Tab")
        focused = links.nth(index)
        expect(focused).to_be_focused()
        expect(focused).to_have_text(name)
        expect(focused).to_be_in_viewport()
    shot(page, "phone-nav-focused")

    # The skip link takes the keyboard past the navigation to the content.
    page.goto(demo_url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
