"""A citizen searches the public site built from the demo, without JavaScript and with
it, and verifies a valid, an expired and a revoked award."""

import pytest
from browser_support import shot

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

VALID = "【示例】衡阳市模拟钢管制造有限公司"  # 衡阳 2024, valid 3 years
EXPIRED = "【示例】郑州金水样例医疗器械有限公司"  # 金水 2019, expired 2023
REVOKED = "【示例】运城市样例果业集团有限公司"  # 运城 2018, revoked 2024


def header_search(page, text: str) -> None:
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill(text)
    box.press("Enter")


def test_search_from_the_header_by_fragment_and_by_pinyin(demo_url, page):
    page.goto(demo_url + "/")
    header_search(page, "钢管制造")
    expect(page).to_have_url(f"{demo_url}/search/?q=%E9%92%A2%E7%AE%A1%E5%88%B6%E9%80%A0")
    expect(page.get_by_role("heading", level=1)).to_have_text("搜索")
    first = page.locator(".search-result").first
    expect(first.get_by_role("heading", level=2)).to_have_text(VALID)
    expect(first.locator("mark").first).to_have_text("钢管制造")
    shot(page, "search-1-fragment")

    header_search(page, "gangguan")
    expect(page.locator(".search-result").first.get_by_role("heading")).to_have_text(VALID)
    page.locator(".search-result").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VALID)


def test_search_filters_work_without_javascript(demo_site, serve_site, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(serve_site(demo_site.dir) + "/search/?q=%E7%A4%BA%E4%BE%8B")
    page.get_by_label("获奖状态").select_option("revoked")
    page.get_by_role("button", name="搜索", exact=True).last.click()
    results = page.locator(".search-result")
    expect(results.first).to_contain_text("已撤销")
    for status in results.locator(".status").all_inner_texts():
        assert status == "已撤销"
    shot(page, "search-2-revoked-filter")
    context.close()


@pytest.mark.parametrize(
    "name, status, words",
    [
        (VALID, "有效", "有效期至"),
        (EXPIRED, "已过期", "不再有效"),
        (REVOKED, "已撤销", "决定撤销该奖项"),
    ],
)
def test_verify_an_award(demo_url, page, name, status, words):
    page.goto(demo_url + "/")
    page.get_by_role("link", name="获奖核验").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("获奖核验")
    page.get_by_label("单位名称、个人姓名、统一社会信用代码或获奖证书核验码").fill(name)
    page.get_by_role("button", name="核验").click()
    answer = page.locator(".verify-answer").first
    expect(answer.locator(".status")).to_have_text(status)
    expect(answer).to_contain_text(words)
    if status == "已撤销":
        expect(answer).to_contain_text("理由：")
        expect(answer.get_by_role("link", name="查看撤销决定")).to_be_visible()
    shot(page, f"verify-{status}")


def test_verify_something_never_published_here(demo_url, page):
    page.goto(demo_url + "/verify/")
    page.get_by_label("单位名称、个人姓名、统一社会信用代码或获奖证书核验码").fill(
        "从未获奖的某某公司"
    )
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_role("status")).to_contain_text("没有找到")
    expect(page.get_by_role("link", name="投诉举报渠道")).to_be_visible()
    shot(page, "verify-none")
