"""The period preview the notice form asks as the editor types: the official calendar,
make-up working days included, through the admin's own URL."""

import pytest
from django.urls import reverse
from two_factor import log_in

pytestmark = pytest.mark.django_db

URL = "gongshi_period_preview"


def preview(client, **params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        ("2023-09-28", 5, "2023-10-10"),  # across 国庆, with the make-up Saturday and Sunday
        ("2023-09-25", 5, "2023-10-07"),  # 中秋 09-29 is a holiday, 10-07 a make-up day
        ("2023-09-30", 1, "2023-10-07"),  # a holiday start counts from the next working day
        ("2024-02-08", 3, "2024-02-18"),  # 春节 2024: 02-08, 02-09, then make-up Sunday 02-18
    ],
)
def test_the_end_is_counted_on_the_official_calendar(client, users, start, days, end):
    log_in(client, users["editor"])
    answer = preview(client, start_rule="fixed", start_date=start, working_days=days)
    assert answer["end"] == end
    assert "工作日" in answer["text"]


def test_from_going_live_counts_from_the_first_public_day(client, users, clock):
    clock.set("2023-09-28 18:30")  # after working hours: the next working day, 10-07
    log_in(client, users["editor"])
    answer = preview(client, start_rule="on_publication", working_days=2)
    assert (answer["start"], answer["end"]) == ("2023-10-07", "2023-10-08")
    assert answer["text"].startswith("如果今天批准")


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start_rule": "fixed", "start_date": "", "working_days": "5"}, "开始日期"),
        ({"start_rule": "fixed", "start_date": "2023-09-28", "working_days": ""}, "公示期"),
        ({"start_rule": "fixed", "start_date": "2023-09-28", "working_days": "0"}, "1至366"),
        ({"start_rule": "fixed", "start_date": "2023-09-28", "working_days": "x"}, "公示期"),
        ({"start_rule": "fixed", "start_date": "2099-01-05", "working_days": "5"}, "2099"),
    ],
)
def test_what_cannot_be_computed_is_said_in_chinese(client, users, params, says):
    log_in(client, users["editor"])
    answer = preview(client, **params)
    assert "end" not in answer and says in answer["error"]


def test_only_people_signed_in_to_the_admin_may_ask(client):
    response = client.get(reverse(URL), {"start_date": "2023-09-28", "working_days": "5"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
