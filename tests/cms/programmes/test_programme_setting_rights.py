"""Programmes are set up by 管理员 only: an editor or approver opening or posting a
programme's edit page, or adding one, is refused (the rule lives in the programmes app)."""

import pytest
from admin_forms import add_url, signed_in
from django.urls import reverse

from cms.programmes.models import ProgrammeIndexPage, ProgrammePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["editor", "approver"])
def test_only_administrators_edit_or_add_programmes(users, programmes, role):
    programme = ProgrammePage.objects.get(slug="yuncheng")
    edit = reverse("wagtailadmin_pages:edit", args=(programme.pk,))
    add = add_url(ProgrammePage, ProgrammeIndexPage.objects.get())
    client = signed_in(users[role])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "改名"}).status_code == 403
    assert client.get(add).status_code in (302, 403)  # an approver may add no page at all
    programme.refresh_from_db()
    assert programme.title != "改名"
    assert signed_in(users["admin"]).get(edit).status_code == 200
