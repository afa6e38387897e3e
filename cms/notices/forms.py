from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cms.base.calendar import official_calendar
from cms.base.forms import OfficialDocumentForm, RecipientRowsMixin
from cms.programmes.models import ProgrammePage
from cms.rules import RuleViolation
from cms.rules import awards as award_rules
from cms.rules.publicity import publicity_end_date


class PublicityNoticeForm(RecipientRowsMixin, OfficialDocumentForm):
    rows_formset = "entries"

    def clean(self):
        cleaned_data = super().clean()
        programme = ProgrammePage.containing(self.parent_page)
        if programme is None:
            raise ValidationError(_("公示须建在某一奖项的届次之下。"))
        rules = programme.rules()
        start, days = cleaned_data.get("start_date"), cleaned_data.get("working_days")
        if start and days:
            try:
                self.instance.end_date = publicity_end_date(rules, official_calendar(), start, days)
            except RuleViolation as refusal:
                self.add_error(refusal.field or "start_date", refusal.message)

        for form in self.live_rows():
            if not self.check_recipient(form, programme, rules):
                continue
            if refusal := award_rules.bonus_refusal(rules, form.cleaned_data.get("bonus")):
                form.add_error("bonus", refusal)
                continue
            if start:
                form.instance.check_eligibility(programme, rules, start)
        return cleaned_data
