"""A null byte typed or pasted into any admin form field is answered with a correct
Chinese message naming it (Django's own catalogue says "空字符串", an empty string), never
a 500 (PostgreSQL refuses U+0000 in text)."""

from __future__ import annotations

import pytest
from admin_forms import add_url, entry_row, form_errors, notice_form
from django.test import Client
from django.urls import reverse
from two_factor import log_in
from wagtail.test.utils.form_data import inline_formset, rich_text

from cms.notices.models import PublicityNoticePage
from cms.reporting.models import ReportingChannel

pytestmark = pytest.mark.django_db

MESSAGE = "不能包含空字符"


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "候选名单\x00公示"),
        ("document_number", "运示例发〔2023〕\x001号"),
        ("issuing_body", "办公室\x00"),
        ("objection_method", "\x00书面提出"),
        ("entries", inline_formset([entry_row(name="示例\x00有限公司")])),
        ("body", rich_text("<p>正文\x00</p>")),
    ],
)
def test_a_null_byte_in_a_notice_field_is_named(users, edition, field, value):
    client = Client()
    log_in(client, users["editor"])
    response = client.post(add_url(PublicityNoticePage, edition), notice_form(5, **{field: value}))
    assert response.status_code == 200, response.status_code
    assert MESSAGE in response.content.decode(), form_errors(response)
    assert not PublicityNoticePage.objects.exists()


def test_a_null_byte_in_a_channel_field_is_named(users, programmes):
    client = Client()
    log_in(client, users["admin"])
    response = client.post(
        reverse("wagtailsnippets_reporting_reportingchannel:add"),
        {
            "programme": programmes["yuncheng"].pk,
            "name": "监督组\x00",
            "phone": "0359-0000000",
            "email": "",
            "report_contents": "被举报对象",
            "procedure": "收到后答复",
            "confidentiality_promise": "保密",
            "acknowledge_within_working_days": "5",
            "conclude_within_working_days": "20",
        },
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not ReportingChannel.objects.exists()
