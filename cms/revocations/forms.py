from django.utils.translation import gettext as _

from cms.base.forms import OfficialDocumentForm
from cms.programmes.models import ProgrammePage


class RevocationForm(OfficialDocumentForm):
    """Only published awards of this programme can be chosen, on its own grounds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.decisions.models import Award, AwardDecisionPage

        self.programme = ProgrammePage.containing(self.parent_page)
        decisions = AwardDecisionPage.objects.live().descendant_of(self.programme)
        self.fields["award"].queryset = Award.objects.filter(decision__in=decisions).select_related(
            "decision"
        )
        self.fields["grounds"].queryset = self.programme.revocation_grounds.all()

    def clean(self):
        cleaned_data = super().clean()
        award, signed = cleaned_data.get("award"), cleaned_data.get("date_signed")
        revocation_pages = self._meta.model
        if (
            award
            and revocation_pages.objects.filter(award=award).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("award", _("该奖项已有撤销公告（含草稿），不能重复撤销。"))
        if not cleaned_data.get("grounds"):
            self.add_error("grounds", _("请选择至少一项撤销情形。"))
        if award and signed and cleaned_data.get("grounds"):
            self.instance.barred_until = revocation_pages.ban_until(
                self.programme, signed, cleaned_data["grounds"]
            )
        return cleaned_data
