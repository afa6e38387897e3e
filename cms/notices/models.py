"""Calls for applications and publicity notices (公示) of an edition."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Orderable
from wagtail.search import index

from cms.base.models import OfficialDocumentPage
from cms.decisions.history import past_awards
from cms.recipients.models import RecipientRow
from cms.rules import awards as award_rules
from cms.rules.publicity import publicity_status

from .forms import PublicityNoticeForm


class CallForApplicationsPage(OfficialDocumentPage):
    """申报通知: opens an edition to applications."""

    application_deadline = models.DateField(_("申报截止日期"))
    how_to_apply = models.TextField(_("申报方式"), help_text=_("向哪里、以什么方式提交哪些材料。"))

    content_panels = [
        *OfficialDocumentPage.content_panels,
        *OfficialDocumentPage.document_panels,
        FieldPanel("application_deadline"),
        FieldPanel("how_to_apply"),
        *OfficialDocumentPage.body_panels,
        *OfficialDocumentPage.change_panels,
    ]
    api_fields = [
        *OfficialDocumentPage.api_fields,
        APIField("application_deadline"),
        APIField("how_to_apply"),
    ]

    parent_page_types = ["programmes.EditionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("申报通知")
        constraints = [
            models.CheckConstraint(
                condition=Q(application_deadline__gte=F("date_signed")),
                name="application_deadline_after_signing",
            )
        ]


class PublicityNoticePage(OfficialDocumentPage):
    """公示: a list shown to the public for objections during a period of working days."""

    class Kind(models.TextChoices):
        ACCEPTED_APPLICANTS = "accepted", _("受理名单公示")
        CANDIDATES = "candidates", _("候选名单公示")
        RECOMMENDED_WINNERS = "recommended", _("获奖建议名单公示")

    kind = models.CharField(_("公示类型"), max_length=16, choices=Kind.choices)
    start_date = models.DateField(_("公示开始日期"))
    working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"),
        help_text=_("按国家法定工作日计算，含调休上班日；开始日期为工作日的，当天计入。"),
    )
    end_date = models.DateField(
        _("公示截止日期"), editable=False, help_text=_("保存时根据开始日期和工作日数自动计算。")
    )
    objection_method = models.TextField(
        _("异议方式"),
        help_text=_("如何提出异议：联系部门、电话、邮箱、地址，是否须署名及提供证明材料。"),
    )

    content_panels = [
        *OfficialDocumentPage.content_panels,
        FieldPanel("kind"),
        *OfficialDocumentPage.document_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("working_days")]),
                FieldPanel("end_date", read_only=True),
                FieldPanel("objection_method"),
            ],
            heading=_("公示期与异议"),
        ),
        InlinePanel("entries", heading=_("公示名单"), label=_("名单条目")),
        *OfficialDocumentPage.body_panels,
        *OfficialDocumentPage.change_panels,
    ]
    search_fields = [
        *OfficialDocumentPage.search_fields,
        index.FilterField("kind"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
        index.RelatedFields(
            "entries", [index.SearchField("name"), index.SearchField("credit_code")]
        ),
    ]
    api_fields = [
        *OfficialDocumentPage.api_fields,
        APIField("kind"),
        APIField("start_date"),
        APIField("working_days"),
        APIField("end_date"),
        APIField("objection_method"),
        APIField("entries"),
    ]

    parent_page_types = ["programmes.EditionPage"]
    subpage_types = []
    base_form_class = PublicityNoticeForm

    class Meta:
        verbose_name = _("公示")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="publicity_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1), name="publicity_at_least_one_working_day"
            ),
        ]

    @property
    def status(self) -> str:
        return publicity_status(self.start_date, self.end_date, timezone.localdate())


class PublicityEntry(Orderable, RecipientRow):
    """One line of a publicity list."""

    notice = ParentalKey(PublicityNoticePage, on_delete=models.CASCADE, related_name="entries")
    name = models.CharField(
        _("名称或姓名"),
        max_length=200,
        blank=True,
        help_text=_("单位填写全称；个人可留空，保存时取所选人员的姓名。"),
    )
    level = models.CharField(
        _("拟授奖项"),
        max_length=100,
        blank=True,
        help_text=_("获奖建议名单填写，例如：运城市市长质量奖"),
    )
    eligibility_flag = models.CharField(
        _("资格提示"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("保存时自动核查：因撤销或重复申报限制不得参评的，在此标出。"),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("credit_code"), FieldPanel("person")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("region")]),
        FieldRowPanel([FieldPanel("score"), FieldPanel("bonus")]),
        FieldPanel("eligibility_flag", read_only=True),
    ]
    api_fields = [
        APIField("name"),
        APIField("recipient_id"),
        APIField("credit_code"),
        APIField("category"),
        APIField("level"),
        APIField("region"),
        APIField("score"),
        APIField("bonus"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("名单条目")
        constraints = [RecipientRow.identity_constraint()]

    def __str__(self):
        return self.name

    @property
    def recipient_id(self) -> str:
        """The public identity of the recipient (docs/content-format.md)."""
        from cms.rules.identity import recipient_id

        public_id = self.person.public_id if self.person_id else None
        return recipient_id(self.category, self.credit_code, public_id, self.name)

    def check_eligibility(self, programme, rules, start) -> str:
        """Set and return the 资格提示 for a list that opens on `start`: a ban from an
        earlier award or revocation, or a score below the programme's minimum."""
        flags = []
        if ban := award_rules.active_ban(rules, past_awards(programme, self, before=start), start):
            flags.append(ban)
        total = self.total_score
        if total is not None and rules.min_score is not None and total < rules.min_score:
            flags.append(
                _("得分低于%(minimum)d分，不得授奖（%(citation)s）")
                % {"minimum": rules.min_score, "citation": rules.cite(rules.min_score_article)}
            )
        self.eligibility_flag = "；".join(flags)
        return self.eligibility_flag
