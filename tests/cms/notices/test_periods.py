"""Publicity periods attacked through the real admin and workflow (ADR 0018): a period
never starts before the public can see the notice, never moves once public, and changes
only by a public correction that extends it.

Every test sets the server's clock (the `clock` fixture) and signs people in as the
admin sees them: an editor posts the page form, an approver approves in the workflow."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from admin_forms import add_url, entry_row, form_errors, notice_form
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from two_factor import log_in
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset

from cms.base.models import ChangeNote
from cms.notices.models import PeriodCorrection, PublicityNoticePage
from cms.publishing import export
from gongshi.rules import RuleViolation

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")


# -- how the admin is used -----------------------------------------------------------------


@pytest.fixture
def editor(client, users):
    log_in(client, users["editor"])
    return client


@pytest.fixture
def approver(users):
    client = Client()
    log_in(client, users["approver"])
    return client


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def create(editor, edition, *, submit=True, working_days=5, **fields):
    """A notice as the editor writes it (and submits it, unless told not to)."""
    if submit:
        fields["action-submit"] = "1"
    response = editor.post(
        add_url(PublicityNoticePage, edition), notice_form(working_days, **fields)
    )
    assert response.status_code == 302, form_errors(response)
    return PublicityNoticePage.objects.get(slug=fields.get("slug", "candidates-2023"))


def edit(editor, page, *, working_days=5, **fields):
    return editor.post(edit_url(page), notice_form(working_days, **fields))


def task_state(page):
    state = WorkflowState.objects.get(
        base_content_type__isnull=False, object_id=str(page.pk), status="in_progress"
    )
    return state.current_task_state


def approval_url(page):
    return reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state(page).pk)
    )


def approve(approver, page, **headers):
    """The approver's approval as the dialog posts it; returns the response."""
    return approver.post(approval_url(page), {"comment": ""}, **headers)


def approved(page) -> bool:
    return TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_APPROVED
    ).exists()


def messages_after(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def live(page) -> PublicityNoticePage:
    return PublicityNoticePage.objects.get(pk=page.pk)


def published(editor, approver, clock, edition, moment="2023-09-26 10:00", **fields):
    """A notice written, submitted and approved at `moment` (start 2023-09-28, 5 days)."""
    clock.set(moment)
    page = create(editor, edition, **fields)
    assert approve(approver, page).status_code == 302
    page = live(page)
    assert page.live
    return page


# -- No period starts before the public can see it -----------------------------------------


def test_a_period_from_going_live_is_fixed_by_the_server_when_approved(
    editor, approver, clock, edition
):
    clock.set("2023-09-25 10:00")
    page = create(editor, edition, start_rule="on_publication", start_date="")
    assert page.start_date is None and page.end_date is None  # a plan, not dates

    # The editor sees what approving today would give.
    form = editor.get(edit_url(page)).content.decode()
    assert "如果在2023年9月25日 10:00批准" in form
    assert "公示期为2023年9月25日至2023年10月7日，共5个工作日（自发布之日起计算" in form

    # The approver approves the next evening, after working hours: the dialog says so
    # before, and the period starts on the next working day.
    clock.set("2023-09-26 18:30")
    dialog = json.loads(approver.get(approval_url(page)).content)["html"]
    assert "公示期为2023年9月27日至2023年10月9日" in dialog
    assert approve(approver, page).status_code == 302
    page = live(page)
    assert (page.start_date, page.working_days, page.end_date) == (
        date(2023, 9, 27),
        5,
        date(2023, 10, 9),
    )
    assert page.first_published_at == datetime(2023, 9, 26, 18, 30, tzinfo=CHINA)


@pytest.mark.parametrize(
    "moment",
    [
        "2023-09-28 17:30",  # the start day, after working hours
        "2023-09-29 10:00",  # a day late
        "2023-10-20 10:00",  # after the whole period
    ],
)
def test_an_approval_after_the_start_is_refused_with_what_to_do(
    editor, approver, clock, edition, moment
):
    clock.set("2023-09-26 10:00")
    page = create(editor, edition, start_rule="fixed", start_date="2023-09-28")

    clock.set(moment)
    dialog = json.loads(approver.get(approval_url(page)).content)["html"]
    assert "不能批准" in dialog and "开始日期已过" in dialog

    refused = approve(approver, page)
    assert refused.status_code == 302 and refused["Location"] == edit_url(page)
    shown = messages_after(approver, refused)
    assert "开始日期已过，批准将使公示期缩短" in shown
    assert "请退回编辑，将开始日期改为" in shown and "自发布之日起" in shown
    assert not live(page).live and not approved(page)
    assert task_state(page).status == TaskState.STATUS_IN_PROGRESS

    # The dialog's own request (XMLHttpRequest) is refused the same way.
    modal = approve(approver, page, headers={"x-requested-with": "XMLHttpRequest"})
    assert json.loads(modal.content)["redirect"] == edit_url(page)
    assert not live(page).live


def test_an_approval_on_the_edit_page_is_refused_too(editor, users, clock, edition):
    """The edit page's own approve action re-validates the form, which refuses the past
    start on its field (what the form lets through, Task.on_action refuses as above)."""
    clock.set("2023-09-26 10:00")
    page = create(editor, edition, start_rule="fixed", start_date="2023-09-28")
    approver = Client()
    log_in(approver, users["approver"])

    clock.set("2023-09-29 10:00")
    refused = approver.post(
        edit_url(page),
        notice_form(5, **{"action-workflow-action": "1", "workflow-action-name": "approve"}),
    )
    assert "开始日期已过" in " ".join(form_errors(refused)["start_date"])
    assert not live(page).live and not approved(page)


def test_the_editor_is_told_before_submitting_a_start_already_past(editor, clock, edition):
    clock.set("2023-09-29 10:00")
    response = editor.post(
        add_url(PublicityNoticePage, edition), notice_form(5, start_date="2023-09-28")
    )
    assert "开始日期已过" in " ".join(form_errors(response)["start_date"])
    assert not PublicityNoticePage.objects.exists()


def test_a_scheduled_go_live_must_not_pass_the_start(editor, approver, clock, edition, users):
    clock.set("2023-09-26 10:00")
    # The form: a go-live after the start's working hours is refused on its field.
    for go_live in ("2023-09-28 17:30", "2023-09-29 09:00"):
        response = editor.post(
            add_url(PublicityNoticePage, edition),
            notice_form(5, start_date="2023-09-28", go_live_at=go_live),
        )
        assert "开始日期已过" in " ".join(form_errors(response)["go_live_at"])

    # A revision made another way, scheduled after the start: the approval refuses it.
    page = create(editor, edition, start_date="2023-09-28")
    crafted = page.get_latest_revision_as_object()
    crafted.go_live_at = datetime(2023, 9, 29, 9, 0, tzinfo=CHINA)
    crafted.save_revision(user=users["editor"])
    refused = approve(approver, page)
    assert "最早于2023年9月29日09:00发布" in messages_after(approver, refused)
    assert not approved(page)


def test_a_scheduled_publish_that_runs_after_the_start_does_not_go_live(
    editor, approver, clock, edition
):
    clock.set("2023-09-26 10:00")
    page = create(editor, edition, start_date="2023-09-28", go_live_at="2023-09-27 09:00")
    approve(approver, page)
    assert not live(page).live  # scheduled

    # The scheduler did not run until the evening of the start day.
    clock.set("2023-09-28 18:00")
    call_command("publish_scheduled", verbosity=0)
    page = live(page)
    assert not page.live
    assert not Revision.objects.filter(object_id=str(page.pk), approved_go_live_at__isnull=False)
    entry = PageLogEntry.objects.get(page=page, action="gongshi.schedule_refused")
    assert "开始日期已过" in entry.data["reason"]


def test_a_scheduled_period_from_going_live_starts_when_it_goes_live(
    editor, approver, clock, edition
):
    clock.set("2023-09-26 10:00")
    page = create(
        editor, edition, start_rule="on_publication", start_date="", go_live_at="2023-09-30 10:00"
    )
    approve(approver, page)
    clock.set("2023-09-30 10:01")  # a holiday: the period starts on the next working day
    call_command("publish_scheduled", verbosity=0)
    page = live(page)
    assert page.live and (page.start_date, page.end_date) == (date(2023, 10, 7), date(2023, 10, 11))


# -- Once live, the period is frozen --------------------------------------------------------


def test_a_later_edit_cannot_move_the_period_whatever_the_post_says(
    editor, approver, users, clock, edition
):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    assert (page.start_date, page.working_days, page.end_date) == (
        date(2023, 9, 28),
        5,
        date(2023, 10, 10),
    )

    clock.set("2023-09-28 11:00")
    form = editor.get(edit_url(page)).context["form"]
    assert all(form.fields[name].disabled for name in ("start_rule", "start_date", "working_days"))

    # A crafted request: other dates, a longer and a shorter period, another rule.
    crafted = edit(
        editor,
        page,
        working_days=3,
        start_rule="on_publication",
        start_date="2023-09-20",
        title="候选名单公示（更正错别字）",
        change_note="更正错别字。",
        **{"action-submit": "1"},
    )
    assert crafted.status_code == 302, form_errors(crafted)
    approver2 = Client()
    log_in(approver2, users["approver2"])
    approve(approver2, page)
    page = live(page)
    assert page.title == "候选名单公示（更正错别字）"  # the edit itself went live
    assert (page.start_rule, page.start_date, page.working_days, page.end_date) == (
        "fixed",
        date(2023, 9, 28),
        5,
        date(2023, 10, 10),
    )


def test_a_crafted_or_old_revision_never_moves_the_live_period(
    editor, approver, users, clock, edition
):
    clock.set("2023-09-26 10:00")
    page = create(editor, edition, submit=False, working_days=7, start_date="2023-09-28")
    old = page.get_latest_revision()
    edit(editor, page, start_date="2023-09-28", **{"action-submit": "1"})
    approve(approver, live(page))
    page = live(page)
    assert (page.working_days, page.end_date) == (5, date(2023, 10, 10))

    # A revision stored with other dates (as a crafted request could once), then approved.
    clock.set("2023-09-28 11:00")
    crafted = page.get_latest_revision_as_object()
    crafted.start_date, crafted.working_days, crafted.end_date = (
        date(2023, 9, 25),
        3,
        date(2023, 9, 27),
    )
    crafted.change_note = "内容更新"
    revision = crafted.save_revision(user=users["editor"])
    assert revision.content["working_days"] == 3
    assert revision.as_object().working_days == 5  # read through, the live period
    page.get_workflow().start(live(page), users["editor"])
    approver2 = Client()
    log_in(approver2, users["approver2"])
    approve(approver2, page)
    assert (live(page).working_days, live(page).end_date) == (5, date(2023, 10, 10))

    # Publishing a revision directly (a revert, a script) does not move it either.
    old.publish()
    revision.publish()
    assert (live(page).start_date, live(page).end_date) == (date(2023, 9, 28), date(2023, 10, 10))


def test_a_calendar_change_never_moves_a_published_end(editor, approver, users, clock, edition):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    assert page.end_date == date(2023, 10, 10)  # counting the make-up weekend 10-07 and 10-08

    # An administrator replaces 2023, without the make-up weekend, and confirms it.
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post(calendar_add_url(), calendar_2023_without_makeup_weekend(confirm=True))
    assert response.status_code == 302, form_errors(response)
    from cms.base.calendar import official_calendar

    assert official_calendar().add_working_days(date(2023, 9, 28), 5) == date(2023, 10, 12)

    # The published notice keeps its end, through a later edit and approval and export.
    clock.set("2023-10-08 10:00")
    edit(editor, page, start_date="2023-09-28", change_note="补充附件。", **{"action-submit": "1"})
    approver2 = Client()
    log_in(approver2, users["approver2"])
    approve(approver2, page)
    assert live(page).end_date == date(2023, 10, 10)
    (item,) = [i for i in export.collect() if i.document.get("id") == page.pk]
    assert item.document["end_date"] == "2023-10-10"


# -- Corrections: public, major, never shorter -----------------------------------------------


def test_extending_a_period_is_a_public_major_correction(editor, approver, users, clock, edition):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")

    clock.set("2023-10-08 10:00")
    response = edit(
        editor,
        page,
        start_date="2023-09-28",
        corrected_working_days="8",
        change_note="应公众要求延长公示期。",
        **{"action-submit": "1"},  # 重大更正 left unticked: it is one all the same
    )
    assert response.status_code == 302, form_errors(response)
    assert live(page).end_date == date(2023, 10, 10)  # nothing changes before approval
    approver2 = Client()
    log_in(approver2, users["approver2"])
    dialog = json.loads(approver2.get(approval_url(page)).content)["html"]
    assert "批准后公示期更正为2023年9月28日至2023年10月13日" in dialog
    approve(approver2, page)

    page = live(page)
    assert (page.working_days, page.end_date) == (8, date(2023, 10, 13))
    assert page.corrected_working_days is None and page.corrected_start_date is None
    note = ChangeNote.objects.filter(page=page).last()
    assert note.is_major
    assert note.note == (
        "公示期更正：原为2023年9月28日至2023年10月10日，共5个工作日，"
        "现为2023年9月28日至2023年10月13日，共8个工作日。 应公众要求延长公示期。"
    )
    correction = PeriodCorrection.objects.get(notice=page)
    assert (correction.previous_end_date, correction.end_date) == (
        date(2023, 10, 10),
        date(2023, 10, 13),
    )
    assert correction.reason == "应公众要求延长公示期。"

    (item,) = [i for i in export.collect() if i.document.get("id") == page.pk]
    document = item.document
    assert document["end_date"] == "2023-10-13" and document["working_days"] == 8
    assert document["period_corrections"][0]["previous_end_date"] == "2023-10-10"
    assert document["changes"][-1]["is_major"] and "公示期更正" in document["changes"][-1]["note"]


@pytest.mark.parametrize(
    ("moment", "days", "message"),
    [
        ("2023-10-08 10:00", "4", "公示期不足5个工作日"),
        ("2023-10-08 10:00", "5", "与现在相同"),
        ("2023-10-11 10:00", "8", "已于2023年10月10日结束"),
        ("2023-10-08 10:00", "0", "正整数"),
        ("2023-10-08 10:00", "30", "上限20个工作日"),
    ],
)
def test_a_period_is_never_shortened_nor_reopened(
    editor, approver, clock, edition, moment, days, message
):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    clock.set(moment)
    response = edit(
        editor, page, start_date="2023-09-28", corrected_working_days=days, change_note="更正。"
    )
    assert message in " ".join(form_errors(response)["corrected_working_days"])
    assert live(page).end_date == date(2023, 10, 10)


def test_a_shortening_made_outside_the_form_is_refused_at_approval_and_at_publish(
    editor, approver, users, clock, edition
):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    clock.set("2023-10-08 10:00")
    crafted = page.get_latest_revision_as_object()
    crafted.corrected_working_days = 3
    crafted.change_note = "缩短公示期。"
    revision = crafted.save_revision(user=users["editor"])
    page.get_workflow().start(live(page), users["editor"])
    approver2 = Client()
    log_in(approver2, users["approver2"])
    refused = approve(approver2, page)
    assert "公示期不足5个工作日" in messages_after(approver2, refused)
    with pytest.raises(RuleViolation):
        revision.publish()
    assert live(page).end_date == date(2023, 10, 10)
    assert not PeriodCorrection.objects.exists()


# -- Lists, lengths and kinds ------------------------------------------------------------------


def test_a_list_with_no_entries_cannot_be_submitted_or_approved(
    editor, approver, users, clock, edition
):
    clock.set("2023-09-26 10:00")
    empty = {"entries": inline_formset([]), "start_date": "2023-09-28"}
    refused = editor.post(
        add_url(PublicityNoticePage, edition), notice_form(5, **empty, **{"action-submit": "1"})
    )
    assert "公示名单为空，不能提交审核" in " ".join(form_errors(refused)["__all__"])

    # A draft may be saved empty; a submission made outside the form is refused at approval.
    saved = editor.post(add_url(PublicityNoticePage, edition), notice_form(5, **empty))
    assert saved.status_code == 302, form_errors(saved)
    page = PublicityNoticePage.objects.get()
    page.get_workflow().start(page, users["editor"])
    refused = approve(approver, page)
    assert "公示名单为空，不能发布" in messages_after(approver, refused)
    assert not live(page).live


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (
            "0",
            "公示期须为正整数个工作日，不能为0（运政发〔2023〕14号 第十九条规定候选名单公示不少于5个工作日）",
        ),
        ("-3", "不能为-3"),
        ("21", "超过本奖项候选名单公示的上限20个工作日"),
        ("99999", "超过本奖项候选名单公示的上限20个工作日"),
        ("", "请填写公示期长度"),
    ],
)
def test_implausible_lengths_get_the_rule_not_a_database_error(
    editor, clock, edition, days, message
):
    clock.set("2023-09-26 10:00")
    response = editor.post(add_url(PublicityNoticePage, edition), notice_form(days))
    assert response.status_code == 200
    assert message in " ".join(form_errors(response)["working_days"])


def test_a_kind_its_programme_does_not_have_is_refused(editor, clock, programmes):
    from cms.programmes.models import EditionPage

    clock.set("2024-10-20 10:00")
    hengyang = EditionPage(title="2024年度", slug="2024", number=2, year=2024)
    programmes["hengyang"].add_child(instance=hengyang)
    response = editor.post(
        add_url(PublicityNoticePage, hengyang),
        notice_form(
            5,
            kind="candidates",
            date_signed="2024-10-18",
            start_date="2024-10-28",
            entries=inline_formset([entry_row(category="organisation")]),
        ),
    )
    message = " ".join(form_errors(response)["kind"])
    assert "没有规定此类公示" in message and "拟获奖名单公示" in message


def test_where_no_length_is_stated_none_is_invented(editor, approver, clock, edition):
    clock.set("2023-09-11 10:00")
    page = create(
        editor,
        edition,
        kind="accepted",
        date_signed="2023-09-08",
        start_rule="on_publication",
        start_date="",
        working_days="",
    )
    approve(approver, page)
    page = live(page)
    assert (page.start_date, page.working_days, page.end_date) == (date(2023, 9, 11), None, None)
    (item,) = [i for i in export.collect() if i.document.get("id") == page.pk]
    assert item.document["end_date"] is None and item.document["working_days"] is None
    assert item.document["period_rule"] == {
        "notice_type": "accepted",
        "name": "受理名单公示",
        "article": "第十七条",
        "min_working_days": None,
        "exact": False,
    }


# -- Timeliness (政府信息公开条例 第二十六条) --------------------------------------------------


def test_a_late_publication_is_warned_before_approval_and_recorded(
    editor, approver, clock, edition
):
    clock.set("2023-09-26 10:00")
    page = create(editor, edition, date_signed="2023-08-01", start_date="2023-09-28")
    dialog = json.loads(approver.get(approval_url(page)).content)["html"]
    assert "超过《中华人民共和国政府信息公开条例》第二十六条规定的20个工作日" in dialog
    assert approve(approver, page).status_code == 302
    assert live(page).live  # a warning, not a block
    entry = PageLogEntry.objects.get(page=page, action="gongshi.late_publication")
    assert entry.data["date_signed"] == "2023-08-01" and entry.data["published_on"] == "2023-09-26"


def test_a_timely_publication_records_nothing(editor, approver, clock, edition):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    assert not PageLogEntry.objects.filter(page=page, action="gongshi.late_publication").exists()


# -- Copies ----------------------------------------------------------------------------------


def test_a_live_notice_cannot_be_copied_straight_to_live(editor, approver, clock, edition, users):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    copy_url = reverse("wagtailadmin_pages:copy", args=(page.pk,))
    superuser = Client()  # who may both copy there and publish
    log_in(superuser, users["admin"])
    response = superuser.post(
        copy_url,
        {
            "new_title": "副本",
            "new_slug": "copy",
            "new_parent_page": str(edition.pk),
            "publish_copies": "on",
        },
    )
    # The copy is made, as a draft: "publish copies" is dropped whoever asks.
    assert response.status_code == 302, response.context["form"].errors
    assert PublicityNoticePage.objects.live().count() == 1
    assert not PublicityNoticePage.objects.get(slug="copy").live


def test_a_draft_copy_gets_a_new_period_when_approved(editor, approver, users, clock, edition):
    page = published(editor, approver, clock, edition, start_date="2023-09-28")
    copy = page.copy(to=edition, update_attrs={"slug": "copy", "title": "副本"}, keep_live=False)
    assert copy.first_published_at is None and not copy.live
    copy.save_revision(user=users["editor"])
    copy.get_workflow().start(copy, users["editor"])
    clock.set("2023-10-09 10:00")
    refused = approve(approver, copy)  # its explicit start, copied, has passed
    assert "开始日期已过" in messages_after(approver, refused)


# -- the calendar, for the calendar test above -------------------------------------------------


def calendar_add_url():
    return reverse("wagtailsnippets_base_calendaryear:add")


def calendar_2023_without_makeup_weekend(confirm: bool) -> dict:
    from cms.base.calendar import bundled

    days = [
        {"date": d.isoformat(), "kind": "holiday", "name": ""}
        for d in sorted(bundled().holidays)
        if d.year == 2023
    ] + [
        {"date": d.isoformat(), "kind": "workday", "name": ""}
        for d in sorted(bundled().makeup_workdays)
        if d.year == 2023 and d not in (date(2023, 10, 7), date(2023, 10, 8))
    ]
    from wagtail.test.utils.form_data import nested_form_data

    return nested_form_data(
        {
            "year": "2023",
            "source_title": "国务院办公厅关于2023年部分节假日安排的通知",
            "source_number": "国办发明电〔2022〕16号",
            "source_date": "2022-12-08",
            "source_url": "",
            "days": inline_formset(days),
            "entry_complete": "on",
            **({"confirm_differences": "on"} if confirm else {}),
        }
    )
