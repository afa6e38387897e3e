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
from cms.recipients.models import RecipientRow
from gongshi.rules import awards as award_rules

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

    def clean(self):
        super().clean()
        # Validity follows from the date signed and the programme's rules alone: derived
        # again whenever the page is saved or published, so no path stores another.
        if not self.path or not self.date_signed:
            return  # not in the tree yet: the form derives it (history.assess_award)
        programme = self.programme
        if programme is None:
            return
        rules = programme.rules()
        for award in self.awards.all():
            award.valid_from = self.date_signed
            award.valid_until = award_rules.valid_until(rules, self.date_signed)

    @property
    def edition(self):
        from cms.programmes.models import EditionPage

        return EditionPage.objects.parent_of(self).get()


class Award(Orderable, RecipientRow):
    """One award conferred by a decision. Never deleted once published: a revocation marks it."""

    name_field = "recipient"

    decision = ParentalKey(AwardDecisionPage, on_delete=models.CASCADE, related_name="awards")
    recipient = models.CharField(
        _("获奖者"),
        max_length=200,
        blank=True,
        help_text=_("单位填写全称；个人可留空，保存时取所选人员的姓名。"),
    )
    level = models.CharField(
        _("奖项"), max_length=100, help_text=_("须与本奖项设置的奖项名称一致。")
    )
    prize = models.CharField(_("奖励"), max_length=200, blank=True)
    prize_money_yuan = models.PositiveIntegerField(_("奖金（元）"), null=True, blank=True)
    is_repeat = models.BooleanField(_("再次获奖"), default=False, editable=False)
    valid_from = models.DateField(_("有效期起"), editable=False)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("recipient"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("credit_code"), FieldPanel("person")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("region")]),
        FieldRowPanel([FieldPanel("score"), FieldPanel("bonus")]),
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
        APIField("recipient_id"),
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
            ),
            RecipientRow.identity_constraint(),
        ]

    def __str__(self):
        who = self.person.label if self.person_id else self.recipient
        return f"{who}（{self.citation}）"

    @property
    def recipient_id(self) -> str:
        """The public identity of the recipient (docs/content-format.md)."""
        from gongshi.rules.identity import recipient_id

        public_id = self.person.public_id if self.person_id else None
        return recipient_id(self.category, self.credit_code, public_id, self.recipient)

    @property
    def citation(self) -> str:
        return award_rules.citation(self.decision.edition.year, self.level)

    @cached_property
    def revocation(self):
        """The live revocation of this award, if any: drafts revoke nothing."""
        return self.revocations.live().first()

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
