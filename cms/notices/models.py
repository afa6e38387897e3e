"""Calls for applications and publicity notices (公示) of an edition."""

from django.db import models, transaction
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
from cms.programmes.kinds import NoticeKind
from cms.recipients.models import RecipientRow
from gongshi.rules import RuleViolation
from gongshi.rules import awards as award_rules
from gongshi.rules.publicity import NoticeKindRule, Period, StartRule, publicity_status

from . import periods
from .forms import PublicityNoticeForm
from .panels import PeriodOutlookPanel


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


class PeriodStart(models.TextChoices):
    ON_PUBLICATION = StartRule.ON_PUBLICATION.value, _("自发布之日起")
    FIXED = StartRule.FIXED.value, _("指定开始日期")


class PublicityNoticePage(OfficialDocumentPage):
    """公示: a list shown to the public for objections during a period of working days.

    The period is the server's: it starts no earlier than the day the public can see the
    notice, and once the notice has gone live it is frozen; only a public correction that
    extends it can change it (periods.py, ADR 0018).
    """

    Kind = NoticeKind
    PERIOD_FIELDS = ("start_rule", "start_date", "working_days", "end_date")

    kind = models.CharField(_("公示类型"), max_length=16, choices=NoticeKind.choices)
    start_rule = models.CharField(
        _("公示期起算"),
        max_length=16,
        choices=PeriodStart.choices,
        default=PeriodStart.ON_PUBLICATION,
        help_text=_(
            "自发布之日起：发布时由服务器确定开始日期（工作时间内发布的当天计入，"
            "下班后或非工作日发布的从下一个工作日起算）。指定开始日期：审核通过晚于该日期的，不予发布。"
        ),
    )
    start_date = models.DateField(
        _("公示开始日期"),
        null=True,
        blank=True,
        help_text=_("仅“指定开始日期”时填写；自发布之日起计算的，发布时由服务器填写。"),
    )
    working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"),
        null=True,
        blank=True,
        help_text=_(
            "按国家法定工作日计算，含调休上班日；开始日期为工作日的，当天计入。"
            "管理办法未规定公示期长度的，可以留空（不设截止日期）。"
        ),
    )
    end_date = models.DateField(
        _("公示截止日期"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("由服务器根据开始日期和工作日数计算。"),
    )
    objection_method = models.TextField(
        _("异议方式"),
        help_text=_("如何提出异议：联系部门、电话、邮箱、地址，是否须署名及提供证明材料。"),
    )
    # A request to correct the period of a live notice, applied when the version that
    # carries it goes live (periods.py), then emptied.
    corrected_start_date = models.DateField(
        _("更正后的开始日期"),
        null=True,
        blank=True,
        help_text=_("仅在公示期开始前可以推后；已开始的公示只能延长。"),
    )
    corrected_working_days = models.PositiveSmallIntegerField(
        _("延长后的公示期（工作日，合计）"),
        null=True,
        blank=True,
        help_text=_("填写更正后的总工作日数；截止日期不能早于已公布的截止日期。"),
    )

    # The end date is not a field of the form: the outlook panel shows it, as approving
    # now would fix it, or as the first publication fixed it.
    content_panels = [
        *OfficialDocumentPage.content_panels,
        FieldPanel("kind"),
        *OfficialDocumentPage.document_panels,
        MultiFieldPanel(
            [
                PeriodOutlookPanel(),
                FieldRowPanel(
                    [FieldPanel("start_rule"), FieldPanel("start_date"), FieldPanel("working_days")]
                ),
                FieldPanel("objection_method"),
            ],
            heading=_("公示期与异议"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("corrected_start_date"), FieldPanel("corrected_working_days")]
                ),
            ],
            heading=_("延长或更正公示期（仅限已发布的公示）"),
            help_text=_(
                "已发布的公示期不能直接修改。需要延长或更正的，在此填写，并在“更新说明”中写明原因："
                "批准后作为重大更正公开，显示在公示页面和更新记录中，并推送给订阅者。公示期不能缩短。"
            ),
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
        APIField("start_rule"),
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
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="publicity_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(working_days__isnull=True) | Q(working_days__gte=1),
                name="publicity_at_least_one_working_day",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | (Q(start_date__isnull=False) & Q(working_days__isnull=False)),
                name="publicity_end_follows_from_start_and_length",
            ),
        ]

    def with_content_json(self, content):
        """A version of this notice as a revision holds it, with the live period.

        Wagtail reads every revision through here: to publish it (an approval, a
        scheduled publish, a revert), to edit it and to preview it. Once the notice has
        been public, its period is the page row's, whatever the revision or the instance
        it is read from says: a form or a crafted request can store other dates in a
        revision, never make them live.
        """
        page = super().with_content_json(content)
        for name, value in (self.stored_period() or {}).items():
            setattr(page, name, value)
        return page

    def stored_period(self) -> dict | None:
        """The period as the page row holds it once the notice has been public, read from
        the database: this instance may itself be a version built from a revision."""
        if self.pk is None:
            return None
        return (
            PublicityNoticePage.objects.filter(pk=self.pk, first_published_at__isnull=False)
            .values(*self.PERIOD_FIELDS)
            .first()
        )

    def publish(
        self,
        revision,
        user=None,
        changed=True,
        log_action=True,
        previous_revision=None,
        skip_permission_checks=False,
    ):
        """Publish through periods.PublishNoticeAction, which fixes the period as the
        notice goes live and applies a correction of a live one, in one transaction with
        its change history and publication log entries (OfficialDocumentPage.publish)."""
        with transaction.atomic():
            return periods.PublishNoticeAction(
                revision,
                user=user,
                changed=changed,
                log_action=log_action,
                previous_revision=previous_revision,
            ).execute(skip_permission_checks=skip_permission_checks)

    @property
    def period(self) -> Period | None:
        """The period as stored: fixed once live; before that only an explicit start."""
        if self.start_date is None:
            return None
        return Period(self.start_date, self.working_days, self.end_date)

    @property
    def period_is_frozen(self) -> bool:
        return self.first_published_at is not None

    @property
    def status(self) -> str:
        if self.start_date is None:
            return "upcoming"
        return publicity_status(self.start_date, self.end_date, timezone.localdate())

    def kind_rule(self) -> NoticeKindRule:
        """This notice's rule from its programme's data, or a refusal naming the kinds the
        programme has."""
        programme = self.programme
        if programme is None:
            raise RuleViolation(_("公示须建在某一奖项的届次之下。"))
        rules = programme.rules()
        if rule := rules.notice_kind(self.kind):
            return rule
        known = "、".join(rule.name for rule in rules.notice_kinds) or _("无")
        raise RuleViolation(
            _("%(regulation)s没有规定“%(kind)s”，本奖项的公示类型为：%(known)s。")
            % {
                "regulation": rules.regulation,
                "kind": NoticeKind(self.kind).label
                if self.kind in NoticeKind.values
                else self.kind,
                "known": known,
            },
            field="kind",
        )

    @property
    def requests_correction(self) -> bool:
        return self.corrected_start_date is not None or self.corrected_working_days is not None

    def publication_refusal(self, moment) -> str | None:
        return periods.refusal(self, moment)

    def publication_outlook(self, moment) -> list:
        return [*periods.outlook(self, moment), *super().publication_outlook(moment)]

    def change_statement(self, revision) -> str:
        """What the server says of a period correction that went live with `revision`."""
        correction = self.period_corrections.filter(revision=revision).first()
        return correction.statement() if correction else ""


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
        from gongshi.rules.identity import recipient_id

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


class PeriodCorrection(models.Model):
    """A public correction of a live notice's period, recorded by the server as it goes
    live: the period before, the period after, and the reason the editor gave."""

    notice = models.ForeignKey(
        PublicityNoticePage, on_delete=models.CASCADE, related_name="period_corrections"
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("更正发布时间"))
    previous_start_date = models.DateField(_("原开始日期"))
    previous_working_days = models.PositiveSmallIntegerField(_("原公示期（工作日）"), null=True)
    previous_end_date = models.DateField(_("原截止日期"), null=True)
    start_date = models.DateField(_("更正后开始日期"))
    working_days = models.PositiveSmallIntegerField(_("更正后公示期（工作日）"))
    end_date = models.DateField(_("更正后截止日期"))
    reason = models.TextField(_("更正原因"))

    class Meta:
        verbose_name = _("公示期更正")
        verbose_name_plural = _("公示期更正")
        ordering = ["published_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(previous_end_date__isnull=True)
                | Q(end_date__gte=F("previous_end_date")),
                name="publicity_never_shortened",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="corrected_period_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.statement()

    @property
    def previous(self) -> Period:
        return Period(self.previous_start_date, self.previous_working_days, self.previous_end_date)

    @property
    def corrected(self) -> Period:
        return Period(self.start_date, self.working_days, self.end_date)

    def statement(self) -> str:
        return _("公示期更正：原为%(previous)s，现为%(corrected)s。") % {
            "previous": self.previous.describe(),
            "corrected": self.corrected.describe(),
        }
