"""A winner's QR code opened on a phone: the credential page at 390px, its status, the
revoked award's reason and link, the QR code and the badge, without sideways scrolling."""

import pytest
from browser_support import shot

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_revoked_awards_credential_on_a_phone(demo_site, demo_url, new_page):
    live = demo_site.dir / "live"
    revoked = demo_site.revoked
    path = next(
        f"/v/{directory.name}/"
        for directory in sorted((live / "v").iterdir())
        if revoked["recipient"] in (directory / "index.html").read_text(encoding="utf-8")
        and 'data-credential-status="revoked"' in (directory / "index.html").read_text()
    )
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(demo_url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("获奖核验")
    expect(page.locator(".credential__status")).to_have_text("已撤销")
    expect(page.get_by_text(revoked["reason"], exact=False).first).to_be_visible()
    link = page.get_by_role("link", name=f"查看撤销决定：{revoked['revocation_title']}")
    expect(link).to_have_attribute("href", f"/revocations/{revoked['revocation_id']}/")
    expect(page.get_by_text("记入本站", exact=False)).to_be_visible()
    for image in (page.get_by_alt_text("本页网址的二维码"), page.locator("img[src$='badge.svg']")):
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    shot(page, "phone-credential")
    assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px screen"

    badge = new_page()
    answer = badge.goto(demo_url + path + "badge.svg")
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "<script" not in answer.text()


def test_a_certificates_code_typed_into_verify_on_a_phone(demo_site, demo_url, new_page):
    """Someone holding the certificate types its code, the way phones type it (lowercase,
    spaces), into 核验: that award's page opens. A code one letter off says there is no
    such code, and shows no award."""
    live = demo_site.dir / "live"
    revoked = demo_site.revoked
    code = next(
        directory.name
        for directory in sorted((live / "v").iterdir())
        if revoked["recipient"] in (directory / "index.html").read_text(encoding="utf-8")
    )
    letters = code.replace("-", "").lower()
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(demo_url + "/verify/")
    field = page.locator("#verify-q").bounding_box()
    panel = page.locator('form[action="/verify/"]').bounding_box()
    assert field["x"] + field["width"] <= panel["x"] + panel["width"], "the field leaves its form"
    page.get_by_label("单位名称、个人姓名、统一社会信用代码或获奖证书核验码").fill(
        f"{letters[:4]} {letters[4:8]} {letters[8:]}"
    )
    page.get_by_role("button", name="核验").click()
    page.wait_for_url(f"**/v/{code}/")
    expect(page.locator(".credential__status")).to_have_text("已撤销")
    expect(page.get_by_text(revoked["recipient"]).first).to_be_visible()

    wrong = letters[:9] + ("a" if letters[9] != "a" else "b")
    page.goto(demo_url + "/verify/")
    page.get_by_label("单位名称、个人姓名、统一社会信用代码或获奖证书核验码").fill(wrong)
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_role("status").first).to_contain_text("本站没有核验码为")
    assert revoked["recipient"] not in page.content()
    assert "/v/" not in page.url
    width = page.evaluate("document.scrollingElement.scrollWidth")
    shot(page, "phone-verify-unknown-code")
    assert width <= PHONE["width"], f"/verify/ is {width}px wide on a {PHONE['width']}px screen"
