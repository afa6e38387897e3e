from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cms.base.calendar import official_calendar
from cms.base.forms import OfficialDocumentForm
from cms.rules import RuleViolation
from cms.rules import awards as award_rules
from cms.rules import credit_code as credit_codes
from cms.rules.publicity import publicity_end_date


def programme_of(parent_page):
    from cms.programmes.models import ProgrammePage

    return ProgrammePage.objects.ancestor_of(parent_page, inclusive=True).first()


def recipient_key(name: str, credit_code: str) -> str:
    """Organisations are known by their credit code, individuals by their name."""
    return credit_code or name.strip()


class RecipientRowsMixin:
    """Checks shared by publicity lists and decisions: categories, credit codes, bans."""

    rows_formset = ""

    def live_rows(self):
        formset = self.formsets.get(self.rows_formset)
        if formset is None:
            return []
        # ClusterForm validates child formsets after the parent's clean(); validate them now
        # so their rows can be checked against the programme (the result is cached).
        formset.is_valid()
        return [
            form
            for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def check_recipient(self, form, programme) -> bool:
        data = form.cleaned_data
        category = data.get("category")
        if category == "individual" and not programme.awards_individuals:
            form.add_error(
                "category",
                _("本奖项只授予组织，不授予个人（%(citation)s）。")
                % {"citation": programme.rules().cite(programme.recipients_article or None)},
            )
            return False
        if category == "organisation" and not programme.awards_organisations:
            form.add_error("category", _("本奖项只授予个人。"))
            return False
        code = data.get("credit_code", "")
        if category == "organisation" and not code:
            form.add_error("credit_code", _("组织须填写统一社会信用代码。"))
            return False
        if code:
            try:
                form.instance.credit_code = credit_codes.validate(code)
                data["credit_code"] = form.instance.credit_code
            except RuleViolation as refusal:
                form.add_error("credit_code", refusal.message)
                return False
        return True


class PublicityNoticeForm(RecipientRowsMixin, OfficialDocumentForm):
    rows_formset = "entries"

    def clean(self):
        cleaned_data = super().clean()
        programme = programme_of(self.parent_page)
        if programme is None:
            raise ValidationError(_("公示须建在某一奖项的届次之下。"))
        rules = programme.rules()
        start, days = cleaned_data.get("start_date"), cleaned_data.get("working_days")
        if start and days:
            try:
                self.instance.end_date = publicity_end_date(rules, official_calendar(), start, days)
            except RuleViolation as refusal:
                self.add_error(refusal.field or "start_date", refusal.message)

        from cms.decisions.history import past_awards

        for form in self.live_rows():
            if not self.check_recipient(form, programme):
                continue
            data = form.cleaned_data
            key = recipient_key(data["name"], data.get("credit_code", ""))
            flags = []
            if start:
                history = past_awards(programme, key, before=start)
                if ban := award_rules.active_ban(rules, history, start):
                    flags.append(ban)
            score = data.get("score")
            if score is not None and rules.min_score is not None and score < rules.min_score:
                flags.append(
                    _("得分低于%(minimum)d分，不得授奖（%(citation)s）")
                    % {"minimum": rules.min_score, "citation": rules.cite(rules.min_score_article)}
                )
            form.instance.eligibility_flag = "；".join(flags)
        return cleaned_data
