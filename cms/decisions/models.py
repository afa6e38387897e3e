"""Award decisions (表彰决定) and the awards they confer."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.api import APIField
from wagtail.models import Orderable
from wagtail.search import index

from cms.base.models import OfficialDocumentPage
from cms.rules import awards as award_rules

from .forms import AwardDecisionForm


class AwardDecisionPage(OfficialDocumentPage):
    """The government's decision naming an edition's winners."""

    content_panels = [
        *OfficialDocumentPage.content_panels,
        *OfficialDocumentPage.document_panels,
        InlinePanel("awards", heading=_("获奖名单"), label=_("获奖者"), min_num=0),
        *OfficialDocumentPage.body_panels,
        *OfficialDocumentPage.change_panels,
    ]
    search_fields = [
        *OfficialDocumentPage.search_fields,
        index.RelatedFields(
            "awards", [index.SearchField("recipient"), index.SearchField("credit_code")]
        ),
    ]
    api_fields = [*OfficialDocumentPage.api_fields, APIField("awards")]

    parent_page_types = ["programmes.EditionPage"]
    subpage_types = []
    base_form_class = AwardDecisionForm

    class Meta:
        verbose_name = _("表彰决定")

    @property
    def edition(self):
        from cms.programmes.models import EditionPage

        return EditionPage.objects.parent_of(self).get()


class Award(Orderable):
    """One award conferred by a decision. Never deleted once published: a revocation marks it."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("组织")
        INDIVIDUAL = "individual", _("个人")

    decision = ParentalKey(AwardDecisionPage, on_delete=models.CASCADE, related_name="awards")
    recipient = models.CharField(_("获奖者"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    category = models.CharField(
        _("类别"), max_length=16, choices=Category.choices, default=Category.ORGANISATION
    )
    level = models.CharField(
        _("奖项"), max_length=100, help_text=_("须与本奖项设置的奖项名称一致。")
    )
    region = models.CharField(_("所在地区"), max_length=64, blank=True)
    score = models.PositiveSmallIntegerField(_("评审得分"), null=True, blank=True)
    prize = models.CharField(_("奖励"), max_length=200, blank=True)
    prize_money_yuan = models.PositiveIntegerField(_("奖金（元）"), null=True, blank=True)
    is_repeat = models.BooleanField(_("再次获奖"), default=False, editable=False)
    valid_from = models.DateField(_("有效期起"), editable=False)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("recipient"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("credit_code"), FieldPanel("region")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("score")]),
        FieldRowPanel([FieldPanel("prize"), FieldPanel("prize_money_yuan")]),
        FieldRowPanel(
            [
                FieldPanel("valid_from", read_only=True),
                FieldPanel("valid_until", read_only=True),
                FieldPanel("is_repeat", read_only=True),
            ]
        ),
    ]
    api_fields = [
        APIField("recipient"),
        APIField("credit_code"),
        APIField("category"),
        APIField("level"),
        APIField("region"),
        APIField("prize"),
        APIField("prize_money_yuan"),
        APIField("is_repeat"),
        APIField("valid_from"),
        APIField("valid_until"),
        APIField("citation"),
        APIField("status"),
        APIField("revocation_summary"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("获奖者")
        verbose_name_plural = _("获奖者")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="award_validity_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.recipient}（{self.citation}）"

    @property
    def citation(self) -> str:
        return award_rules.citation(self.decision.edition.year, self.level)

    @cached_property
    def revocation(self):
        """The live revocation of this award, if any: drafts revoke nothing."""
        from cms.revocations.models import RevocationPage

        return RevocationPage.objects.live().filter(award=self).first()

    @property
    def status(self) -> str:
        revocation = self.revocation
        return award_rules.award_status(
            self.valid_until, revocation.date_signed if revocation else None, timezone.localdate()
        )

    @property
    def revocation_summary(self):
        revocation = self.revocation
        if revocation is None:
            return None
        return {
            "id": revocation.pk,
            "url": revocation.url,
            "document_number": revocation.document_number,
            "date": revocation.date_signed.isoformat(),
            "reason": revocation.reason,
        }
