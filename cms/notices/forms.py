from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cms.base.calendar import official_calendar
from cms.base.forms import OfficialDocumentForm, RecipientRowsMixin
from cms.decisions.history import past_awards
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
            data = form.cleaned_data
            key = award_rules.recipient_key(data["name"], data.get("credit_code", ""))
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
