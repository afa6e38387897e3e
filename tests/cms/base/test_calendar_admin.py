"""The working-day calendar kept in the admin (设置 › 工作日历, ADR 0019): a year counts
only once complete and marked 录入完毕; days outside the year are refused; replacing a
year in force needs a confirmation that lists the differences, and the audit log keeps
them. Attacked through the real snippet admin and the notice editor."""

from datetime import date

import pytest
from admin_forms import add_url, form_errors, notice_form
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.base.calendar import bundled, official_calendar
from cms.base.models import CalendarYear
from cms.notices.models import PublicityNoticePage

pytestmark = pytest.mark.django_db

# 2027 as a State Council notice might set it (the bundled calendar stops at 2026).
HOLIDAYS_2027 = ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"]
MAKEUP_2027 = ["2027-02-14"]  # a Sunday


@pytest.fixture
def admin(users):
    client = Client()
    client.force_login(users["admin"])
    return client


def calendar_form(year=2027, holidays=HOLIDAYS_2027, makeup=MAKEUP_2027, editing=None, **overrides):
    """The snippet form as the admin posts it; `editing`: the stored year, whose rows the
    form carries (kept, or marked deleted when a day is no longer given)."""
    wanted = {d: "holiday" for d in holidays} | {d: "workday" for d in makeup}
    days, initial = [], 0
    for row in editing.days.all() if editing else ():
        day = row.date.isoformat()
        kept = wanted.pop(day, None)
        days.append(
            {"id": str(row.pk), "date": day, "kind": kept or row.kind, "name": row.name}
            | ({} if kept else {"DELETE": "1"})
        )
        initial += 1
    days += [{"date": d, "kind": kind, "name": ""} for d, kind in wanted.items()]
    data = {
        "year": str(year),
        "source_title": f"国务院办公厅关于{year}年部分节假日安排的通知",
        "source_number": "国办发明电〔2026〕7号",
        "source_date": "2026-11-04",
        "source_url": "",
        "days": inline_formset(days, initial=initial),
        "entry_complete": "on",
        **overrides,
    }
    return nested_form_data({name: value for name, value in data.items() if value is not None})


ADD = reverse("wagtailsnippets_base_calendaryear:add")


def edit_url(year: CalendarYear) -> str:
    return reverse("wagtailsnippets_base_calendaryear:edit", args=(year.pk,))


def notice_into_2027(client):
    """A 5-working-day period from 2026-12-28, which reaches 2027."""
    return client.post(
        add_url(PublicityNoticePage, _edition()),
        notice_form(5, date_signed="2026-12-20", start_date="2026-12-28"),
    )


def _edition():
    from cms.programmes.models import EditionPage

    return EditionPage.objects.get()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"entry_complete": None}, None, None),  # saved, but not counted
        ({"makeup": []}, "entry_complete", "尚未录入调休上班日期"),
        ({"holidays": []}, "entry_complete", "尚未录入放假日期"),
        ({"source_number": ""}, "source_number", "文号"),
        ({"source_date": ""}, "source_date", "发布日期"),
        ({"makeup": ["2027-02-15"]}, "entry_complete", "应为周六或周日"),
    ],
)
def test_a_half_entered_year_is_treated_exactly_like_a_missing_one(
    admin, client, users, clock, edition, overrides, field, message
):
    clock.set("2026-12-21 10:00")
    response = admin.post(ADD, calendar_form(**overrides))
    if field is None:
        assert response.status_code == 302, form_errors(response)
        assert CalendarYear.objects.get(year=2027).completed_at is None
    else:
        assert message in " ".join(form_errors(response)[field])
    assert 2027 not in official_calendar().covered_years

    client.force_login(users["editor"])
    refused = notice_into_2027(client)
    assert "2027年的法定节假日和调休安排尚未录入" in " ".join(form_errors(refused)["start_date"])


def test_a_complete_and_confirmed_year_counts(admin, client, users, clock, edition):
    clock.set("2026-12-21 10:00")
    response = admin.post(ADD, calendar_form())
    assert response.status_code == 302, form_errors(response)
    year = CalendarYear.objects.get(year=2027)
    assert year.completed_by == users["admin"] and year.counts

    client.force_login(users["editor"])
    saved = notice_into_2027(client)
    assert saved.status_code == 302, form_errors(saved)
    # 12-28..12-31, then 01-01 is a holiday: the fifth working day is 01-04.
    assert PublicityNoticePage.objects.get().end_date == date(2027, 1, 4)

    # Unticking 录入完毕 takes the year out again.
    admin.post(edit_url(year), calendar_form(editing=year, entry_complete=None))
    assert 2027 not in official_calendar().covered_years


def test_a_confirmed_year_edited_outside_the_admin_stops_counting(admin, clock):
    clock.set("2026-12-21 10:00")
    admin.post(ADD, calendar_form())
    year = CalendarYear.objects.get(year=2027)
    year.days.filter(kind="workday").delete()  # half of it gone
    assert 2027 not in official_calendar().covered_years


def test_days_outside_the_year_are_refused_not_ignored(admin, clock):
    clock.set("2026-12-21 10:00")
    for complete in ("on", None):
        response = admin.post(
            ADD, calendar_form(holidays=[*HOLIDAYS_2027, "2026-12-31"], entry_complete=complete)
        )
        assert "2026-12-31不在2027年内" in str(form_errors(response)["days"])
    assert not CalendarYear.objects.exists()


def test_a_day_entered_twice_is_refused_not_a_database_error(admin, clock):
    clock.set("2026-12-21 10:00")
    twice = calendar_form(holidays=HOLIDAYS_2027)
    twice["days-TOTAL_FORMS"] = str(int(twice["days-TOTAL_FORMS"]) + 1)
    last = int(twice["days-TOTAL_FORMS"]) - 1
    twice |= {f"days-{last}-date": "2027-01-01", f"days-{last}-kind": "holiday"}
    twice |= {f"days-{last}-name": "", f"days-{last}-ORDER": str(last + 1)}
    response = admin.post(ADD, twice)
    assert "重复" in str(form_errors(response)["days"])
    assert not CalendarYear.objects.exists()


def test_replacing_a_bundled_year_shows_the_differences_and_is_logged(admin, users, clock):
    clock.set("2026-12-21 10:00")
    holidays = [d.isoformat() for d in sorted(bundled().holidays) if d.year == 2023]
    makeup = [
        d.isoformat()
        for d in sorted(bundled().makeup_workdays)
        if d.year == 2023 and d not in (date(2023, 10, 7), date(2023, 10, 8))
    ]
    entry = calendar_form(
        2023,
        holidays,
        makeup,
        source_number="国办发明电〔2022〕16号",
        source_date="2022-12-08",
    )
    refused = admin.post(ADD, entry)
    message = " ".join(form_errors(refused)["confirm_differences"])
    assert "与内置日历（chinesecalendar）有2天不同" in message
    assert "2023-10-07（周六）：内置日历（chinesecalendar）为上班，本次录入为休息" in message
    assert "2023-10-08（周日）" in message
    assert not CalendarYear.objects.exists()
    assert official_calendar().is_working_day(date(2023, 10, 7))

    confirmed = admin.post(ADD, {**entry, "confirm_differences": "on"})
    assert confirmed.status_code == 302, form_errors(confirmed)
    year = CalendarYear.objects.get(year=2023)
    assert not official_calendar().is_working_day(date(2023, 10, 7))
    logged = ModelLogEntry.objects.get(action="gongshi.calendar_replaced", object_id=str(year.pk))
    assert logged.user == users["admin"]
    assert len(logged.data["differences"]) == 2
    assert logged.data["differences"][0].startswith("2023-10-07（周六）")

    # An entry identical to the bundled year still needs the confirmation to replace it.
    same = calendar_form(
        2024,
        [d.isoformat() for d in sorted(bundled().holidays) if d.year == 2024],
        [d.isoformat() for d in sorted(bundled().makeup_workdays) if d.year == 2024],
        source_number="国办发明电〔2023〕7号",
        source_date="2023-10-25",
    )
    assert "完全相同" in " ".join(form_errors(admin.post(ADD, same))["confirm_differences"])


def test_changing_a_confirmed_year_shows_what_changes(admin, clock):
    clock.set("2026-12-21 10:00")
    admin.post(ADD, calendar_form())
    year = CalendarYear.objects.get(year=2027)
    changed = calendar_form(editing=year, holidays=[*HOLIDAYS_2027, "2027-02-11"])
    refused = admin.post(edit_url(year), changed)
    assert "2027-02-11（周四）：此前确认的录入为上班，本次录入为休息" in " ".join(
        form_errors(refused)["confirm_differences"]
    )
    assert official_calendar().is_working_day(date(2027, 2, 11))
    admin.post(edit_url(year), {**changed, "confirm_differences": "on"})
    assert not official_calendar().is_working_day(date(2027, 2, 11))
    # Saved again unchanged: nothing to confirm.
    again = admin.post(
        edit_url(year), calendar_form(editing=year, holidays=[*HOLIDAYS_2027, "2027-02-11"])
    )
    assert again.status_code == 302, form_errors(again)


def test_the_calendar_is_under_settings_and_kept_by_administrators(admin, client, users):
    from wagtail.admin.menu import settings_menu

    from cms.base.wagtail_hooks import CalendarYearViewSet

    request = admin.get(reverse("wagtailadmin_home")).wsgi_request
    items = {item.label: item.url for item in settings_menu.menu_items_for_request(request)}
    assert items["工作日历"] == reverse("wagtailsnippets_base_calendaryear:list")
    assert CalendarYearViewSet.add_to_settings_menu
    client.force_login(users["editor"])
    assert client.get(ADD).status_code in (302, 403)
    assert not users["editor"].has_perm("base.change_calendaryear")
