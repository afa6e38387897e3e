from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.base.calendar import official_calendar
from cms.base.forms import OfficialDocumentForm, RecipientRowsMixin
from cms.programmes.models import ProgrammePage
from gongshi.rules import RuleViolation
from gongshi.rules import awards as award_rules
from gongshi.rules import publicity as rules
from gongshi.rules.publicity import StartRule

from .periods import corrected_period, working_hours_end


class PublicityNoticeForm(RecipientRowsMixin, OfficialDocumentForm):
    """The notice editor. Refuses early what the approval would refuse (periods.py); once
    the notice has been public its period fields are shown but not taken from the request,
    and a change goes through the correction fields."""

    rows_formset = "entries"
    # Lengths are checked by the rules, which name the article; the model fields' own
    # "must be positive" would not.
    working_days = forms.IntegerField(
        label=gettext_lazy("公示期（工作日）"),
        required=False,
        help_text=gettext_lazy(
            "按国家法定工作日计算，含调休上班日；开始日期为工作日的，当天计入。"
            "管理办法未规定公示期长度的，可以留空（不设截止日期）。"
        ),
    )
    corrected_working_days = forms.IntegerField(
        label=gettext_lazy("延长后的公示期（工作日，合计）"),
        required=False,
        help_text=gettext_lazy("填写更正后的总工作日数；截止日期不能早于已公布的截止日期。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        frozen = page.pk is not None and page.period_is_frozen
        # A disabled field keeps the page's value whatever the request says.
        corrections = ("corrected_start_date", "corrected_working_days")
        for name in page.PERIOD_FIELDS if frozen else corrections:
            if name in self.fields:
                self.fields[name].disabled = True

    def clean(self):
        cleaned_data = super().clean()
        programme = ProgrammePage.containing(self.parent_page)
        if programme is None:
            raise ValidationError(_("公示须建在某一奖项的届次之下。"))
        rules_of_programme = programme.rules()
        kind = rules_of_programme.notice_kind(cleaned_data.get("kind") or "")
        if kind is None and cleaned_data.get("kind"):
            self.add_error("kind", self._unknown_kind(rules_of_programme))

        if self.instance.pk is not None and self.instance.period_is_frozen:
            self._clean_correction(kind, cleaned_data)
            start = self.instance.start_date
        else:
            start = self._clean_period(kind, cleaned_data)

        rows = self.live_rows()
        if not rows and "action-submit" in self.data:
            self.add_error(
                None,
                _(
                    "公示名单为空，不能提交审核：公示是向社会公开名单、接受监督，请至少填写一个名单条目。"
                ),
            )
        for form in rows:
            if not self.check_recipient(form, programme, rules_of_programme):
                continue
            if refusal := award_rules.bonus_refusal(
                rules_of_programme, form.cleaned_data.get("bonus")
            ):
                form.add_error("bonus", refusal)
                continue
            if start:
                form.instance.check_eligibility(programme, rules_of_programme, start)
        return cleaned_data

    def _unknown_kind(self, rules_of_programme) -> str:
        known = "、".join(rule.name for rule in rules_of_programme.notice_kinds) or _("无")
        return _("%(regulation)s没有规定此类公示；本奖项的公示类型为：%(known)s。") % {
            "regulation": rules_of_programme.regulation,
            "known": known,
        }

    def _clean_period(self, kind, cleaned_data):
        """The period as planned before the first publication, checked as the approval
        will check it: at the scheduled time, or now. Returns the start the list's
        eligibility is judged on (if approved now, for 自发布之日起)."""
        start_rule, start = cleaned_data.get("start_rule"), cleaned_data.get("start_date")
        if kind is None or not start_rule:
            return start
        if start_rule == StartRule.FIXED and start is None:
            self.add_error("start_date", _("指定开始日期的，须填写开始日期。"))
            return None
        go_live_at = cleaned_data.get("go_live_at")
        scheduled = bool(go_live_at and go_live_at > timezone.now())
        moment = timezone.localtime(go_live_at if scheduled else None)
        try:
            period = rules.period_going_live(
                kind,
                official_calendar(),
                moment,
                working_hours_end(),
                StartRule(start_rule),
                start,
                cleaned_data.get("working_days"),
            )
        except RuleViolation as refusal:
            field = refusal.field or "start_date"
            if field == "start_date" and scheduled and isinstance(refusal, rules.LateStart):
                field = "go_live_at"
            self.add_error(field, refusal.message)
            return start
        page = self.instance
        page.working_days = period.working_days
        if start_rule == StartRule.FIXED:
            page.start_date, page.end_date = period.start, period.end
        else:
            # Fixed by the server when the notice goes live (periods.py).
            page.start_date = page.end_date = cleaned_data["start_date"] = None
        return period.start

    def _clean_correction(self, kind, cleaned_data):
        start = cleaned_data.get("corrected_start_date")
        days = cleaned_data.get("corrected_working_days")
        if (start is None and days is None) or kind is None:
            return
        page = self.instance
        page.corrected_start_date, page.corrected_working_days = start, days
        try:
            corrected_period(page, timezone.localtime())
        except RuleViolation as refusal:
            self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)
            return
        # A correction of the period is a major correction, announced to subscribers.
        cleaned_data["change_is_major"] = True
        self.instance.change_is_major = True
