from django.utils.translation import gettext as _

from cms.base.forms import OfficialDocumentForm, RecipientRowsMixin
from cms.programmes.models import ProgrammePage
from gongshi.rules import awards as award_rules
from gongshi.rules.programme import Category

from .history import as_proposed, assess_award, edition_awards


class AwardDecisionForm(RecipientRowsMixin, OfficialDocumentForm):
    """Winners within quota, above the minimum score, not barred; validity derived."""

    rows_formset = "awards"

    def clean(self):
        cleaned_data = super().clean()
        programme = ProgrammePage.containing(self.parent_page)
        rules = programme.rules()
        signed = cleaned_data.get("date_signed")
        self.refuse_deleting_revoked_awards()
        proposed = []
        for row, form in enumerate(self.live_rows(), start=1):
            if not self.check_recipient(form, programme, rules):
                continue
            data = form.cleaned_data
            category = Category(data["category"])
            if rules.level(data["level"], category) is None:
                names = "、".join(sorted({level.name for level in rules.levels}))
                form.add_error(
                    "level", _("奖项名称须为本奖项设置的名称之一：%(names)s。") % {"names": names}
                )
                continue
            if not signed:
                continue
            award = form.instance
            if ban := assess_award(programme, rules, award, signed, self.instance):
                form.add_error(
                    "recipient",
                    _("%(name)s 不得授奖：%(why)s。") % {"name": award.recipient, "why": ban},
                )
                continue
            if (
                award.is_repeat
                and not rules.repeat_winner_gets_prize_money
                and award.prize_money_yuan
            ):
                form.add_error(
                    "prize_money_yuan",
                    _("再次获奖不再发放奖金（%(citation)s）。")
                    % {"citation": rules.cite(rules.repeat_winner_article)},
                )
            proposed.append(as_proposed(award, row))
        same_edition = edition_awards(self.parent_page, exclude_decision=self.instance)
        for problem in award_rules.check_decision(rules, proposed, same_edition):
            self.add_error(None, problem.message)
        return cleaned_data

    def refuse_deleting_revoked_awards(self):
        for form in self.validated_rows():
            award = form.instance
            if form.cleaned_data.get("DELETE") and award.pk and award.revocations.exists():
                self.add_error(
                    None,
                    _("%(name)s 的奖项已有撤销公告，不能从表彰决定中删除；撤销不删除原奖项。")
                    % {"name": award.recipient},
                )
