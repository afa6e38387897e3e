"""The supervision group's deadlines in working days use the official calendar; where a
year's holidays are not entered yet they count calendar days, earlier and never later,
and the case says so to the group and to the complainant."""

from datetime import date

import pytest
from django.test import Client
from intake_client import submit

from cms.supervision.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return Client(enforce_csrf_checks=True)


def test_deadlines_in_a_covered_year_are_working_days(citizen, channel, group_key, clock):
    clock.set("2026-09-25 10:00")  # a Friday; National Day 2026: 10-01..10-07 off
    receipt = submit(citizen, channel.programme).content.decode()
    case = Case.objects.get()
    # From the next day: 09-28, 09-29, 09-30, then the holidays, then 10-08 and 10-09
    # (counting weekdays only would have given 10-02, in the middle of the holiday).
    assert case.acknowledge_by == date(2026, 10, 9)
    assert not case.deadlines_in_calendar_days
    assert "以上期限按法定工作日计算" in receipt


def test_deadlines_reaching_an_unentered_year_count_calendar_days_and_say_so(
    citizen, channel, group_key, clock
):
    clock.set("2026-12-20 10:00")  # 2027's holidays are not in the bundled calendar
    receipt = submit(citizen, channel.programme).content.decode()
    case = Case.objects.get()
    assert case.acknowledge_by == date(2026, 12, 25)  # within 2026: working days
    # 20 days: nine working days left in 2026, then every day of 2027 counts.
    assert case.conclude_by == date(2027, 1, 11)
    assert case.deadlines_in_calendar_days
    assert "由于相关年份的法定节假日安排尚未公布，以上期限按日历日计算" in receipt
