from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from gongshi.rules import RuleViolation
from gongshi.rules import credit_code as credit_codes
from gongshi.rules.text import visible

from .removal import NO_EXPIRY


class NoExpiryFormMixin:
    """Nothing public expires (removal.NO_EXPIRY): the scheduling dialog offers no expiry
    (panels.GoLivePanel); one posted all the same is refused, and one an earlier version
    held is not carried into the version saved."""

    def clean(self):
        cleaned_data = super().clean()
        if "expire_at" not in self.fields:
            if self.data.get("expire_at"):
                self.add_error(None, NO_EXPIRY)
            self.instance.expire_at = None
        return cleaned_data


class NoExpiryModelForm(NoExpiryFormMixin, WagtailAdminModelForm):
    """The form of a snippet that goes live through the workflow (a reporting channel)."""


class GongshiPageForm(NoExpiryFormMixin, WagtailAdminPageForm):
    """Page form for every page type: publish times are the server's, never the editor's,
    and nothing expires."""

    def clean(self):
        cleaned_data = super().clean()
        go_live_at = cleaned_data.get("go_live_at")
        # A scheduled time in the past would publish at once yet look older than it is.
        if go_live_at and go_live_at < timezone.now():
            self.add_error(
                "go_live_at",
                _("定时发布时间不能早于当前时间；发布时间由服务器记录，不能倒签。"),
            )
        return cleaned_data


class OfficialDocumentForm(GongshiPageForm):
    """Each edit of a published document starts with an empty change note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and not page.has_unpublished_changes and not self.is_bound:
            self.initial["change_note"] = ""
            self.initial["change_is_major"] = False

    def clean(self):
        cleaned_data = super().clean()
        # Checked here, not in the model: Wagtail re-validates the model when it publishes.
        if self.instance.first_published_at and not cleaned_data.get("change_note", "").strip():
            self.add_error(
                "change_note", _("已发布的内容修改后须填写更新说明，它将公开显示在更新记录中。")
            )
        return cleaned_data


class RecipientRowsMixin:
    """Checks shared by publicity lists and decisions: categories, credit codes, bans."""

    rows_formset = ""

    def validated_rows(self):
        """Every row form, validated: ClusterForm validates child formsets only after the
        parent's clean(), too late for the checks below (the result is cached)."""
        formset = self.formsets.get(self.rows_formset)
        if formset is None:
            return []
        formset.is_valid()
        return [form for form in formset.forms if getattr(form, "cleaned_data", None)]

    def live_rows(self):
        """The valid rows the editor keeps (not marked for deletion)."""
        return [form for form in self.validated_rows() if not form.cleaned_data.get("DELETE")]

    def check_recipient(self, form, programme, rules) -> bool:
        """The row's category is one the programme awards; an organisation has a name and
        a valid credit code, an individual is a person chosen from the register (the
        printed name, if typed, is that person's). Names are stored in one spelling."""
        data = form.cleaned_data
        row = form.instance
        name_field = row.name_field
        name = visible(data.get(name_field) or "")
        category = data.get("category")
        person = data.get("person")
        if category == "individual" and not programme.awards_individuals:
            form.add_error(
                "category",
                _("本奖项只授予组织，不授予个人（%(citation)s）。")
                % {"citation": rules.cite(programme.recipients_article or None)},
            )
            return False
        if category == "organisation" and not programme.awards_organisations:
            form.add_error("category", _("本奖项只授予个人。"))
            return False
        if category == "individual":
            if person is None:
                form.add_error(
                    "person",
                    _(
                        "个人须从人员库中选择，或在选择窗口中新建；同名的人是不同的人，不能只填姓名。"
                    ),
                )
                return False
            if name and name != person.name:
                form.add_error(
                    name_field,
                    _("姓名“%(typed)s”与所选人员“%(person)s”不一致，请核对后重新选择。")
                    % {"typed": name, "person": person.label},
                )
                return False
            name = person.name
        elif person is not None:
            form.add_error("person", _("组织以统一社会信用代码识别，不选择个人。"))
            return False
        elif not name:
            form.add_error(name_field, _("请填写单位全称。"))
            return False
        data[name_field] = name
        setattr(row, name_field, name)
        code = data.get("credit_code", "")
        if category == "organisation" and not code:
            form.add_error("credit_code", _("组织须填写统一社会信用代码。"))
            return False
        if code:
            try:
                row.credit_code = credit_codes.validate(code)
                data["credit_code"] = row.credit_code
            except RuleViolation as refusal:
                form.add_error("credit_code", refusal.message)
                return False
        return True


class LoginForm(WagtailLoginForm):
    """Wagtail's login form leaves the password field without a label, so Django shows
    its field name, "Password", untranslated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")


class CalendarYearForm(WagtailAdminModelForm):
    """A year of the working-day calendar: every day in the year, and the year counted
    only once marked 录入完毕 with its source and both kinds of day. Replacing what is in
    force for the year (the bundled calendar, or the year as confirmed before) needs a
    confirmation that sees the differences day by day, and the audit log keeps them."""

    entry_complete = forms.BooleanField(
        label=_("录入完毕"),
        required=False,
        help_text=_(
            "已按国务院办公厅通知录入全部放假和调休上班日期并核对无误。"
            "勾选后本年日历生效；未勾选的年份视同未录入，涉及该年的公示期不能计算。"
        ),
    )
    confirm_differences = forms.BooleanField(
        label=_("确认替换"),
        required=False,
        help_text=_("本年已有日历（内置或此前确认）时，保存后系统逐日列出差异，核对无误后勾选。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("entry_complete", self.instance.completed_at is not None)
        self.replaced = None  # (what it was called, its differences) once confirmed

    def clean(self):
        from gongshi.rules import workdays

        cleaned_data = super().clean()
        year = cleaned_data.get("year")
        rows = self._day_rows()
        outside = [
            form
            for form in rows
            if year and form.cleaned_data.get("date") and form.cleaned_data["date"].year != year
        ]
        for form in outside:
            form.add_error(
                "date",
                _("%(day)s不在%(year)d年内，请删除或改正。")
                % {"day": form.cleaned_data["date"].isoformat(), "year": year},
            )
        # A day given twice is refused by the formset's own check of one_entry_per_day.
        if not (year and cleaned_data.get("entry_complete")) or outside or self.errors:
            return cleaned_data
        entered = workdays.EnteredYear(
            year=year,
            source_number=cleaned_data.get("source_number", ""),
            source_date=cleaned_data.get("source_date"),
            holidays=self._days_of_kind(rows, "holiday"),
            makeup_workdays=self._days_of_kind(rows, "workday"),
        )
        if problems := workdays.entry_problems(entered):
            for field, message in problems:
                self.add_error(field if field in self.fields else "entry_complete", message)
            return cleaned_data
        self._confirm_replacement(year, entered.as_calendar(), cleaned_data)
        return cleaned_data

    @staticmethod
    def _days_of_kind(rows, kind) -> frozenset:
        return frozenset(
            form.cleaned_data["date"]
            for form in rows
            if form.cleaned_data.get("kind") == kind and form.cleaned_data.get("date")
        )

    def _day_rows(self):
        formset = self.formsets.get("days")
        if formset is None:
            return []
        formset.is_valid()
        return [
            form
            for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def _confirm_replacement(self, year, entered, cleaned_data):
        from gongshi.rules import workdays

        from .calendar import in_force_for

        current, name = in_force_for(year, stored=self.instance if self.instance.pk else None)
        if current is None:
            return
        found = workdays.differences(current, entered, year)
        if cleaned_data.get("confirm_differences"):
            self.replaced = (name, found)
            return
        if found:
            listed = "；".join(d.describe(name, _("本次录入")) for d in found)
            message = _(
                "本次录入与%(name)s有%(count)d天不同：%(listed)s。核对无误后请勾选“确认替换”。"
            ) % {
                "name": name,
                "count": len(found),
                "listed": listed,
            }
        elif self.instance.counts:
            return  # the confirmed year, saved again unchanged
        else:
            message = _(
                "%(year)d年已由%(name)s覆盖，本次录入与之完全相同；确需替换请勾选“确认替换”。"
            ) % {
                "year": year,
                "name": name,
            }
        self.add_error("confirm_differences", message)

    def save(self, commit=True):
        from django.utils import timezone
        from wagtail.log_actions import log

        instance = self.instance
        if not self.cleaned_data.get("entry_complete"):
            instance.completed_at, instance.completed_by = None, None
        elif instance.completed_at is None or self.has_changed():
            instance.completed_at, instance.completed_by = timezone.now(), self.for_user
        instance = super().save(commit=commit)
        if commit and self.replaced is not None:
            name, found = self.replaced
            log(
                instance=instance,
                action="gongshi.calendar_replaced",
                user=self.for_user,
                data={
                    "year": instance.year,
                    "replaced": str(name),
                    "differences": [d.describe(name, _("本次录入")) for d in found],
                },
            )
        return instance
