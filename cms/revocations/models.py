"""Revocations (撤销): an award withdrawn for cause, announced publicly, never deleted."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.search import index

from cms.base.models import OfficialDocumentPage
from gongshi.rules import awards as award_rules

from .forms import RevocationForm


class RevocationPage(OfficialDocumentPage):
    """A decision revoking one award. Needs two different approvers before it is public."""

    requires_two_approvals = True

    award = models.ForeignKey(
        "decisions.Award",
        on_delete=models.PROTECT,
        related_name="revocations",
        verbose_name=_("被撤销的奖项"),
    )
    grounds = ParentalManyToManyField(
        "programmes.RevocationGround", verbose_name=_("撤销情形"), related_name="+"
    )
    facts = models.TextField(_("查实的事实"), help_text=_("经查证属实的情况，公开发布。"))
    legal_basis = models.CharField(
        _("法律依据"), max_length=300, help_text=_("例如：《运城市市长质量奖管理办法》第三十条")
    )
    certificate_recovered = models.BooleanField(_("收回证书、奖牌（奖杯、奖章）"), default=True)
    money_clawed_back = models.BooleanField(_("追缴奖金"), default=False)
    money_clawed_back_yuan = models.PositiveIntegerField(_("追缴金额（元）"), null=True, blank=True)
    barred_until = models.DateField(
        _("禁止申报至"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("根据奖项规则自动计算。"),
    )

    content_panels = [
        *OfficialDocumentPage.content_panels,
        *OfficialDocumentPage.document_panels,
        FieldPanel("award"),
        FieldPanel("grounds", widget=forms.CheckboxSelectMultiple),
        FieldPanel("facts"),
        FieldPanel("legal_basis"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("certificate_recovered"), FieldPanel("money_clawed_back")]
                ),
                FieldPanel("money_clawed_back_yuan"),
                FieldPanel("barred_until", read_only=True),
            ],
            heading=_("撤销的后果"),
        ),
        *OfficialDocumentPage.body_panels,
        *OfficialDocumentPage.change_panels,
    ]
    search_fields = [
        *OfficialDocumentPage.search_fields,
        index.SearchField("facts"),
        index.RelatedFields(
            "award", [index.SearchField("recipient"), index.SearchField("credit_code")]
        ),
    ]
    api_fields = [
        *OfficialDocumentPage.api_fields,
        APIField("revoked_award"),
        APIField("reason"),
        APIField("facts"),
        APIField("legal_basis"),
        APIField("certificate_recovered"),
        APIField("money_clawed_back"),
        APIField("money_clawed_back_yuan"),
        APIField("barred_until"),
    ]

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = []
    base_form_class = RevocationForm

    class Meta:
        verbose_name = _("撤销公告")
        constraints = [
            models.UniqueConstraint(fields=["award"], name="an_award_is_revoked_once"),
        ]

    def clean(self):
        super().clean()
        if self.award_id and self.date_signed:
            decided = self.award.decision.date_signed
            if self.date_signed < decided:
                raise ValidationError(
                    {
                        "date_signed": _("撤销日期不能早于表彰决定的成文日期（%(date)s）。")
                        % {"date": decided}
                    }
                )
        if self.money_clawed_back_yuan and not self.money_clawed_back:
            raise ValidationError({"money_clawed_back": _("填写了追缴金额，请勾选“追缴奖金”。")})
        # The ban follows from the date, the grounds and the programme's rules alone:
        # derived again whenever the page is saved or published, whoever saves it.
        grounds = list(self.grounds.all()) if self.award_id and self.date_signed else []
        if grounds:
            from cms.programmes.models import ProgrammePage

            programme = ProgrammePage.containing(self.award.decision)
            self.barred_until = self.ban_until(programme, self.date_signed, grounds)

    @property
    def reason(self) -> str:
        return "；".join(f"{g.text}（{g.article}）" for g in self.grounds.all())

    @property
    def revoked_award(self):
        award = self.award
        decision = award.decision
        return {
            "id": award.pk,
            "recipient": award.recipient,
            "credit_code": award.credit_code,
            "citation": award.citation,
            "decision": {
                "id": decision.pk,
                "url": decision.url,
                "document_number": decision.document_number,
                "date_signed": decision.date_signed.isoformat(),
            },
        }

    @staticmethod
    def ban_until(programme, signed: date, grounds) -> date | None:
        """Last day of the ban a revocation signed on `signed` on these grounds imposes."""
        return award_rules.revocation_ban_until(
            programme.rules(),
            signed,
            [ground.as_rule(programme.regulation_reference) for ground in grounds],
        )
