"""The notice form computes the end of the publicity period as the editor types, on the
official calendar, before anything is saved."""

import re

import pytest
from browser_support import log_in, shot
from django.conf import settings as django_settings

from cms.demo.loader import load_demo
from cms.notices.models import PublicityNoticePage
from cms.programmes.models import EditionPage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]


def test_the_end_date_shows_as_start_and_length_are_typed(live_server, new_page):
    load_demo()
    edition = EditionPage.objects.first()
    count = PublicityNoticePage.objects.count()
    editor = new_page()
    log_in(editor, live_server.url, "editor")
    editor.goto(f"{live_server.url}/admin/pages/add/notices/publicitynoticepage/{edition.pk}/")
    preview = editor.locator("[data-period-preview]")
    editor.locator('[name="start_rule"]').select_option("fixed")
    editor.locator('[name="start_date"]').fill("2023-09-28")
    editor.locator('[name="working_days"]').fill("5")
    # 09-28, the make-up Saturday and Sunday 10-07 and 10-08, then 10-09 and 10-10
    expect(preview).to_have_text(re.compile("2023年9月28日至2023年10月10日，共5个工作日"))
    editor.locator('[name="working_days"]').fill("6")
    expect(preview).to_have_text(re.compile("至2023年10月11日，共6个工作日"))
    editor.locator('[name="start_date"]').fill("")
    expect(preview).to_have_text(re.compile("填写开始日期"))
    shot(editor, "period-preview")
    assert PublicityNoticePage.objects.count() == count  # nothing was saved
