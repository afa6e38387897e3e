"""The decision editor: an award that has a revocation cannot be taken off its decision."""

from datetime import date

import pytest
from admin_forms import form_errors, valid_code
from django.urls import reverse
from factories import published_decision, published_revocation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.decisions.models import Award

pytestmark = pytest.mark.django_db


def test_a_revoked_award_cannot_be_deleted_from_its_decision(client, users, edition):
    award = published_decision(
        edition, "【示例】甲公司", valid_code("91140800MA0K00001"), date(2023, 12, 20)
    )
    published_revocation(award, date(2025, 3, 1))
    decision = award.decision

    client.force_login(users["editor"])
    row = {
        "id": str(award.pk),
        "recipient": award.recipient,
        "credit_code": award.credit_code,
        "category": "organisation",
        "level": award.level,
        "region": "",
        "score": "",
        "prize": "",
        "prize_money_yuan": "",
        "DELETE": "1",
    }
    form = nested_form_data(
        {
            "title": decision.title,
            "slug": decision.slug,
            "document_number": "",
            "issuing_body": decision.issuing_body,
            "date_signed": "2023-12-20",
            "summary": "",
            "awards": inline_formset([row], initial=1),
            "body": rich_text(""),
            "attachments": streamfield([]),
            "change_note": "删除获奖者。",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=(decision.pk,)), form)
    assert response.status_code == 200, form_errors(response)
    assert "已有撤销公告，不能从表彰决定中删除" in str(form_errors(response))
    assert Award.objects.filter(pk=award.pk).exists()
