"""Programme settings are the administrators' alone: editors neither add nor change them;
their rules for each kind of notice are checked with a message, not a database error."""

import pytest
from django import forms
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


def form_data(form) -> dict:
    """What the admin's edit form posts back unchanged: every field and inline row."""
    data = {}

    def put(bound):
        value = bound.field.widget.format_value(bound.value())
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if bound.value():
                data[bound.html_name] = "on"
        elif isinstance(value, list):
            data[bound.html_name] = value
        elif value is not None:
            data[bound.html_name] = value

    for bound in form:
        put(bound)
    for formset in form.formsets.values():
        management = formset.management_form
        for bound in management:
            data[bound.html_name] = bound.value()
        for row in formset.forms:
            for bound in row:
                put(bound)
    return data


@pytest.fixture
def programme_form(client, users, programmes):
    log_in(client, users["admin"])

    def post(changes):
        page = ProgrammePage.objects.get(slug="yuncheng")
        form = client.get(edit_url(page)).context["form"]
        return client.post(edit_url(page), {**form_data(form), **changes})

    return post


def kind_row(kind):
    page = ProgrammePage.objects.get(slug="yuncheng")
    return list(page.publicity_kinds.values_list("kind", flat=True)).index(kind)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_working_days", "0", "公示期至少为1个工作日；管理办法未规定的请留空。"),
        ("max_working_days", "3", "公示期上限不能小于管理办法规定的天数。"),
        ("max_working_days", "0", "公示期上限至少为1个工作日。"),
    ],
)
def test_a_kind_of_notice_gets_a_message_not_a_database_error(
    client, programme_form, field, value, message
):
    row = kind_row("candidates")
    response = programme_form({f"publicity_kinds-{row}-{field}": value})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_kind_used_by_notices_cannot_be_removed(client, programme_form, edition):
    from factories import draft_notice

    draft_notice(edition, kind="candidates")
    row = kind_row("candidates")
    response = programme_form({f"publicity_kinds-{row}-DELETE": "1"})
    assert "本奖项已有候选名单公示，不能删除这些公示类型" in response.content.decode()
    assert (
        ProgrammePage.objects.get(slug="yuncheng")
        .publicity_kinds.filter(kind="candidates")
        .exists()
    )
    # An unchanged form is accepted: the helper posts what an administrator would.
    assert programme_form({}).status_code == 302
