"""Every page type renders for its editors' preview (the public site is built elsewhere)."""

from datetime import date

import pytest
from admin_forms import valid_code
from factories import published_decision, published_revocation

pytestmark = pytest.mark.django_db


def test_pages_render_with_the_preview_template(client, programmes, edition):
    for page in [edition.get_parent().get_parent(), programmes["jinshui"], edition]:
        response = client.get(page.url)
        assert response.status_code == 200
        assert response.templates[0].name == "preview.html"
        assert page.title in response.content.decode()


def test_a_decision_preview_marks_a_revoked_award(client, edition):
    award = published_decision(
        edition, "【示例】甲公司", valid_code("91140800MA0K00001"), date(2023, 12, 20)
    )
    published_revocation(award, date(2025, 3, 1))
    page = client.get(award.decision.url).content.decode()
    assert "【示例】甲公司" in page
    assert "已撤销（2025-03-01" in page


def test_the_default_site_carries_the_platform_name(db):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).site_name == "质量奖公示公开平台"
