"""网站信息: set in the admin, checked, exported for the site, shown by the CMS's own public
pages in the same chrome; saving it rebuilds the site; unset, nothing is made up."""

import re

import pytest
from django.urls import reverse
from two_factor import log_in

from cms.base.models import HomePage
from cms.govsite.models import SiteIdentity
from cms.publishing import export
from cms.publishing.models import SiteBuild

pytestmark = pytest.mark.django_db

FILLED = {
    "sponsor": "示例市人民政府办公室",
    "organiser": "示例市市场监督管理局",
    "phone": "0359-1234567",
    "email": "zlj@example.gov.cn",
    "address": "示例市示例路1号",
    "icp_number": "晋ICP备12345678号-1",
    "police_number": "晋公网安备14080202000123号",
    "site_id_code": "1408000001",
    "party_government": "on",
    "conac_url": "https://bszs.conac.cn/sitename?method=show&id=ABC",
    "organisation_code": "11140800MB0000000H",
}


def settings_url():
    site = HomePage.objects.get().get_site()
    return reverse("wagtailsettings:edit", args=["govsite", "siteidentity", site.pk])


def home_document() -> dict:
    return next(item.document for item in export.collect() if item.document["kind"] == "home")


def test_malformed_numbers_are_refused_in_chinese_and_nothing_is_saved(client, users):
    log_in(client, users["admin"])
    SiteBuild.objects.all().delete()
    refused = client.post(
        settings_url(), {**FILLED, "icp_number": "ICP12345", "site_id_code": "12"}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "ICP备案号格式应如" in page and "网站标识码应为10位字母或数字" in page
    # The form's empty row may exist; nothing typed was saved, nothing rebuilt.
    assert not any(identity.public()["sponsor"] for identity in SiteIdentity.objects.all())
    assert not SiteBuild.objects.exists()
    refused = client.post(settings_url(), {**FILLED, "conac_url": ""})
    assert "请填写标识核验链接" in refused.content.decode()


def test_saving_the_settings_rebuilds_the_site_with_them(client, users):
    log_in(client, users["admin"])
    SiteBuild.objects.all().delete()
    saved = client.post(
        settings_url(), {**FILLED, "icp_number": "晋ＩＣＰ备１２３４５６７８号－１"}
    )
    assert saved.status_code == 302
    identity = SiteIdentity.objects.get()
    assert identity.icp_number == "晋ICP备12345678号-1"  # as pasted, then tidied
    build = SiteBuild.objects.get()
    assert build.trigger_list == ["网站信息更新"] and build.changed_pages is None  # a full one
    assert home_document()["identity"] == {
        **{name: value for name, value in FILLED.items() if name != "organisation_code"},
        "party_government": True,
        "police_url": "https://beian.mps.gov.cn/#/query/webSearch?code=14080202000123",
    }


def test_unset_settings_export_nothing_made_up(programmes):
    identity = home_document()["identity"]
    assert identity == {
        "sponsor": "",
        "organiser": "",
        "phone": "",
        "email": "",
        "address": "",
        "icp_number": "",
        "police_number": "",
        "police_url": "",
        "site_id_code": "",
        "party_government": False,
        "conac_url": "",
    }
    assert not SiteIdentity.objects.exists()  # reading the settings never created them


def test_the_report_form_shows_the_public_footer_from_the_settings(client, programmes):
    SiteIdentity.objects.create(
        site=HomePage.objects.get().get_site(),
        **{**FILLED, "party_government": True},
    )
    page = client.get("/report/").content.decode()
    assert 'aria-label="主导航"' in page and 'id="care-toggle"' in page
    assert '<script src="/theme/js/care-mode.js"></script>' in page
    assert '<link rel="stylesheet" href="/fonts/rare.css">' in page
    for shown in (
        "主办单位：示例市人民政府办公室",
        "承办单位：示例市市场监督管理局",
        "晋ICP备12345678号-1",
    ):
        assert shown in page
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=14080202000123"' in page
    assert '<meta name="SiteIDCode" content="1408000001">' in page
    assert 'href="/sitemap/"' in page


def test_without_settings_the_report_form_invents_nothing(client, programmes):
    page = client.get("/report/").content.decode()
    for invented in (
        "主办单位",
        "承办单位",
        "ICP备",
        "公网安备",
        "网站标识码",
        "党政机关",
        "SiteIDCode",
    ):
        assert invented not in page
    assert 'aria-label="主导航"' in page  # the chrome is there all the same


def _without_current(html: str) -> str:
    return re.sub(r' aria-current="[^"]*"', "", html)


def _part(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin) + len(end)]


def test_the_report_form_and_the_built_pages_share_one_chrome(client, demo_site_dir):
    """The CMS renders the theme's own _chrome.html: the header, navigation and 网站信息
    of /report/ are those of the built pages, byte for byte."""
    built = (demo_site_dir / "live" / "reporting" / "index.html").read_text(encoding="utf-8")
    served = client.get("/report/").content.decode()
    for start, end in (
        ('<header class="site-header">', "</header>"),
        ('<div class="site-identity">', "</div>"),
        ('<nav aria-label="页脚导航">', "</nav>"),
    ):
        assert _without_current(_part(served, start, end)) == _without_current(
            _part(built, start, end)
        )
    assert "主办单位：【示例】" in served  # the demo's settings, marked as demo
