"""A notice's publicity period as it goes live, and the only way it changes afterwards.

The rules are plain Python (gongshi.rules.publicity); this module applies them where Wagtail
makes a version live (ADR 0018):

- Before the first publication the period is a plan: "from going live" (the usual case)
  or an explicit start. `refusal` and `outlook` say what approving at a moment would do;
  the approval task refuses with the same words.
- `PublishNoticeAction` is Wagtail's publish with one step added before the page row is
  saved: the first time, the period is fixed from the moment of going live; later, the
  page row's period stays (PublicityNoticePage.with_content_json put it back on the
  version) unless the version carries a correction, which is checked again at that
  moment and recorded (PeriodCorrection) before the change history is written.
- A scheduled publish whose moment no longer allows the period (the scheduler ran after
  the explicit start) does not go live: its schedule is cancelled and the audit log says
  why. A publish that no approval and no schedule caused (the demo, a script) fixes the
  period the same way but is not refused for an explicit start in the past.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.log_actions import log

from cms.base import publication
from cms.base.calendar import official_calendar
from cms.base.publication import Note
from gongshi.rules import RuleViolation
from gongshi.rules import publicity as rules
from gongshi.rules.publicity import Period, StartRule


def working_hours_end():
    return settings.GONGSHI_WORKING_HOURS_END


def going_live_period(page, moment: datetime, enforce_start: bool = True) -> Period:
    """The period `page` gets if it goes live for the first time at `moment`."""
    kind = page.kind_rule()
    calendar = official_calendar()
    if page.start_rule == StartRule.FIXED and not enforce_start and page.start_date:
        rules.check_length(kind, page.working_days)
        return rules.period_from(calendar, page.start_date, page.working_days)
    return rules.period_going_live(
        kind,
        calendar,
        moment,
        working_hours_end(),
        StartRule(page.start_rule),
        page.start_date,
        page.working_days,
    )


def corrected_period(page, moment: datetime) -> Period:
    """The period after the correction `page` carries, going live at `moment`."""
    return rules.corrected_period(
        page.kind_rule(),
        official_calendar(),
        page.period,
        moment,
        working_hours_end(),
        page.corrected_start_date,
        page.corrected_working_days,
    )


def empty_list_refusal(page) -> str | None:
    if list(page.entries.all()):
        return None
    return _(
        "公示名单为空，不能发布：公示是向社会公开名单、接受监督，请至少填写一个名单条目后重新提交。"
    )


def refusal(page, moment: datetime) -> str | None:
    """Why this version of `page` must not go live at `moment`, in the editor's words."""
    if message := empty_list_refusal(page):
        return message
    try:
        if not page.period_is_frozen:
            going_live_period(page, moment)
        elif page.requests_correction:
            if not page.change_note.strip():
                return _("延长或更正公示期须在“更新说明”中写明原因，原因将公开显示。")
            corrected_period(page, moment)
    except RuleViolation as refusal:
        return refusal.message
    return None


def outlook(page, moment: datetime) -> list[Note]:
    """The period the public gets if this version goes live at `moment`."""
    if not page.period_is_frozen:
        try:
            period = going_live_period(page, moment)
        except RuleViolation:
            return []  # refusal() says why
        basis = (
            _("自发布之日起计算")
            if page.start_rule == StartRule.ON_PUBLICATION
            else _("指定开始日期")
        )
        return [
            Note(
                _("公示期为%(period)s（%(basis)s；%(rule)s）。")
                % {"period": period.describe(), "basis": basis, "rule": kind_sentence(page)}
            )
        ]
    notes = [
        Note(
            _("公示期已在首次发布时确定为%(period)s，修改内容或工作日历都不会改变它。")
            % {"period": page.period.describe()}
        )
    ]
    if page.requests_correction:
        try:
            corrected = corrected_period(page, moment)
        except RuleViolation:
            return notes
        notes.append(
            Note(
                _("批准后公示期更正为%(period)s，作为重大更正公开并推送给订阅者。")
                % {"period": corrected.describe()},
                warning=True,
            )
        )
    return notes


def kind_sentence(page) -> str:
    try:
        return page.kind_rule().describe_length()
    except RuleViolation as refusal:
        return refusal.message


class PublishNoticeAction(PublishPageRevisionAction):
    """Wagtail's publish of a notice's revision, fixing or correcting the period as the
    version goes live (see the module's docstring)."""

    correction: tuple[Period, Period] | None = None

    def _publish_revision(
        self, revision, object, user, changed, log_action, previous_revision=None
    ):
        if not (object.go_live_at and object.go_live_at > timezone.now()):
            scheduled = revision.approved_go_live_at is not None
            approved_at = publication.approval_moment()
            moment = approved_at or timezone.localtime()
            try:
                self.settle_period(object, moment, enforce_start=scheduled or bool(approved_at))
            except RuleViolation as refusal:
                if not scheduled:
                    raise
                self.cancel_schedule(revision, object, refusal.message)
                return None
        return super()._publish_revision(
            revision, object, user, changed, log_action, previous_revision=previous_revision
        )

    def settle_period(self, page, moment: datetime, enforce_start: bool) -> None:
        # with_content_json gave `page` the stored period if it has been public.
        if page.stored_period() is None:
            if message := empty_list_refusal(page):
                raise RuleViolation(message)
            period = going_live_period(page, moment, enforce_start=enforce_start)
        elif page.requests_correction:
            period = corrected_period(page, moment)
            self.correction = (page.period, period)
        else:
            period = page.period
        page.start_date, page.working_days, page.end_date = (
            period.start,
            period.working_days,
            period.end,
        )
        page.corrected_start_date = page.corrected_working_days = None

    def cancel_schedule(self, revision, page, message: str) -> None:
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        log(
            instance=page,
            action="gongshi.schedule_refused",
            user=None,
            data={"reason": message, "revision": revision.id},
            revision=revision,
        )

    def _after_publish(self):
        # Recorded before page_published: the change history it writes states the correction.
        if self.correction is not None:
            previous, corrected = self.correction
            self.object.period_corrections.create(
                revision=self.revision,
                published_at=self.object.last_published_at,
                previous_start_date=previous.start,
                previous_working_days=previous.working_days,
                previous_end_date=previous.end,
                start_date=corrected.start,
                working_days=corrected.working_days,
                end_date=corrected.end,
                reason=self.object.change_note.strip(),
            )
        super()._after_publish()
