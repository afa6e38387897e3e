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
