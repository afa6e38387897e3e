from django.utils.translation import gettext_lazy as _

from cms.base.forms import GongshiPageForm


class EditionForm(GongshiPageForm):
    def clean(self):
        cleaned_data = super().clean()
        from .models import EditionPage

        siblings = EditionPage.objects.child_of(self.parent_page).exclude(pk=self.instance.pk)
        if "number" in cleaned_data and siblings.filter(number=cleaned_data["number"]).exists():
            self.add_error("number", _("本奖项已有这一届。"))
        if "year" in cleaned_data and siblings.filter(year=cleaned_data["year"]).exists():
            self.add_error("year", _("本奖项在该年度已有一届。"))
        return cleaned_data
