"""axe-core on the admin's page edit form, as an editor opens it: no violation. Wagtail
8.0.1 leaves two names out, given here: the rich-text editor's editable area
(cms/base/static/base/admin_names.js) and the editing-sessions button of someone else
viewing the page (the template wagtailadmin/shared/editing_sessions/list.html)."""

import pytest
from axe_support import violations
from browser_support import log_in
from django.conf import settings as django_settings

from cms.demo.loader import DRAFT_MARK, load_demo
from cms.notices.models import PublicityNoticePage

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]


def test_the_edit_form_has_no_axe_violations(live_server, new_page):
    load_demo()
    draft = PublicityNoticePage.objects.not_live().get(title__contains=DRAFT_MARK)
    editor = new_page()
    log_in(editor, live_server.url, "editor")
    editor.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    editor.wait_for_load_state("networkidle")
    editor.locator('.Draftail-Editor [contenteditable="true"]').first.wait_for()
    found = violations(editor)
    assert not found, "\n".join(found)
    body = editor.locator('.Draftail-Editor [role="textbox"]').first
    assert body.get_attribute("aria-labelledby")


def test_the_edit_form_others_are_viewing_has_no_axe_violations(live_server, new_page):
    """Someone else (the administrator) has the page open: the editing-sessions button appears, named."""
    load_demo()
    draft = PublicityNoticePage.objects.not_live().get(title__contains=DRAFT_MARK)
    url = f"{live_server.url}/admin/pages/{draft.pk}/edit/"
    other = new_page()
    log_in(other, live_server.url, "admin")
    other.goto(url)
    editor = new_page()
    log_in(editor, live_server.url, "editor")
    editor.goto(url)
    session = editor.locator("button.w-editing-sessions__session").first
    session.wait_for(state="attached", timeout=45_000)  # the list comes with a ping
    editor.wait_for_timeout(500)
    assert session.get_attribute("aria-label")
    found = violations(editor)
    assert not found, "\n".join(found)
