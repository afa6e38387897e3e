"""Programme settings are the administrators' alone: editors neither add nor change them."""

import pytest
from django.urls import reverse
from two_factor import log_in

from cms.programmes.models import ProgrammePage

pytestmark = pytest.mark.django_db


def add_programme_url(programmes):
    index = programmes["yuncheng"].get_parent()
    return reverse("wagtailadmin_pages:add", args=("programmes", "programmepage", index.pk))


def refused(response) -> bool:
    """Our hook answers 403; Wagtail sends users without the page permission home."""
    return response.status_code == 403 or response.get("Location") == reverse("wagtailadmin_home")


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


@pytest.mark.parametrize("role", ["editor", "approver"])
def test_editors_and_approvers_cannot_add_or_change_programmes(client, users, programmes, role):
    log_in(client, users[role])
    assert refused(client.get(add_programme_url(programmes)))
    assert refused(client.post(add_programme_url(programmes), {"title": "新奖项"}))
    assert refused(client.get(edit_url(programmes["yuncheng"])))
    assert ProgrammePage.objects.count() == 4


def test_administrators_open_the_programme_forms(client, users, programmes):
    log_in(client, users["admin"])
    assert client.get(add_programme_url(programmes)).status_code == 200
    assert client.get(edit_url(programmes["yuncheng"])).status_code == 200


def test_the_programme_index_lists_twenty_programmes_a_page_in_fixed_queries(
    client, users, programmes
):
    """A province has hundreds of programmes: the explorer renders a page of them, and
    reads as many queries for 24 programmes as for 4."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    index = programmes["yuncheng"].get_parent()
    url = reverse("wagtailadmin_explore", args=(index.pk,))
    log_in(client, users["admin"])

    def listed() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(set(re.findall(rb'id="page_(\d+)_title"', response.content))), len(queries)

    shown, few = listed()
    assert shown == 4
    for number in range(20):
        programmes["yuncheng"].copy(
            update_attrs={"slug": f"copy-{number}", "title": f"示例奖项{number}"}
        )
    shown, many = listed()
    assert shown == 20 and many == few
