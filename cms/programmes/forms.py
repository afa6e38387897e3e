from django.apps import apps
from django.utils.translation import gettext_lazy as _

from cms.base.forms import GongshiPageForm

from .kinds import NoticeKind


class EditionForm(GongshiPageForm):
    def clean(self):
        cleaned_data = super().clean()
        siblings = self._meta.model.objects.child_of(self.parent_page).exclude(pk=self.instance.pk)
        if "number" in cleaned_data and siblings.filter(number=cleaned_data["number"]).exists():
            self.add_error("number", _("本奖项已有这一届。"))
        if "year" in cleaned_data and siblings.filter(year=cleaned_data["year"]).exists():
            self.add_error("year", _("本奖项在该年度已有一届。"))
        return cleaned_data


class ProgrammeForm(GongshiPageForm):
    """A programme's rules; a kind of notice still used by its notices cannot be removed
    (their pages, feeds and open data state that kind's rule)."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("publicity_kinds")
        if formset is None or self.instance.pk is None or not formset.is_valid():
            return cleaned_data
        kept = {
            form.cleaned_data.get("kind")
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        # The notices app builds on this one; it is looked up, not imported.
        notices = apps.get_model("notices", "PublicityNoticePage").objects.descendant_of(
            self.instance
        )
        used = set(notices.values_list("kind", flat=True)) - kept
        if used:
            labels = "、".join(str(NoticeKind(kind).label) for kind in sorted(used))
            self.add_error(
                None, _("本奖项已有%(kinds)s，不能删除这些公示类型。") % {"kinds": labels}
            )
        return cleaned_data
