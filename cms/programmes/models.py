"""Award programmes and their editions.

A programme is data an administrator maintains in the admin, not code: every rule the
CMS enforces is a field here, next to the article of the regulation it comes from.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.base.models import NoExpiryPage, PreviewOnly
from cms.base.panels import PAGE_SETTINGS_PANELS
from cms.base.validators import clean_document_number
from gongshi.rules import programme as rules
from gongshi.rules.text import visible

from .fields import article_field, parse_bonus_steps, validate_bonus_steps
from .forms import EditionForm, ProgrammeForm

# The rows of a programme (inline in its form), defined apart for length.
from .rows import AwardLevel, PublicityKind, RevocationGround  # noqa: F401


class ProgrammeIndexPage(NoExpiryPage, PreviewOnly, Page):
    """The list of award programmes (评选项目)."""

    introduction = models.TextField(_("简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["base.HomePage"]
    subpage_types = ["programmes.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("评选项目列表")


class ProgrammePage(NoExpiryPage, PreviewOnly, Page):
    """One award programme (e.g. 运城市市长质量奖) and the regulation that governs it."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("区级")
        COUNTY = "county", _("县级")

    class RegulationStatus(models.TextChoices):
        IN_FORCE = "in_force", _("现行有效")
        TRIAL = "trial", _("试行")
        DRAFT = "draft", _("征求意见稿")
        REPEALED = "repealed", _("已废止")

    # Who runs it
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    region = models.CharField(_("地区"), max_length=64)
    organiser = models.CharField(_("组织机构"), max_length=128)
    office = models.CharField(_("办公室"), max_length=128)
    supervisor = models.CharField(_("监督机构"), max_length=128, blank=True)
    organisation_article = article_field(_("组织机构条款"))
    summary = models.TextField(_("概述"), blank=True, help_text=_("用通俗的话向公众介绍本奖项。"))
    body = RichTextField(_("评选规则说明"), blank=True)

    # The regulation
    regulation_title = models.CharField(_("管理办法名称"), max_length=200)
    regulation_number = models.CharField(_("管理办法文号"), max_length=64, blank=True)
    regulation_status = models.CharField(
        _("管理办法状态"), max_length=16, choices=RegulationStatus.choices
    )
    regulation_issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    regulation_effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    regulation_expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    regulation_url = models.URLField(_("原文链接"), blank=True)
    regulation_replaces = models.CharField(_("废止的原办法"), max_length=200, blank=True)
    regulation_dates_article = article_field(_("施行日期条款"))

    # Cycle and recipients
    cycle_years = models.PositiveSmallIntegerField(_("评选周期（年）"))
    cycle_article = article_field(_("评选周期条款"))
    awards_organisations = models.BooleanField(_("授予组织"), default=True)
    awards_individuals = models.BooleanField(_("授予个人"), default=False)
    recipients_article = article_field(_("授奖对象条款"))
    quota_article = article_field(_("名额条款"))
    vacancy_allowed = models.BooleanField(_("可以空缺"), default=True)
    vacancy_article = article_field(_("空缺条款"))

    # Scoring
    scoring_standard = models.CharField(_("评审标准"), max_length=200, blank=True)
    max_score = models.PositiveSmallIntegerField(
        _("满分"), null=True, blank=True, help_text=_("管理办法未规定总分时留空。")
    )
    scoring_article = article_field(_("评审标准条款"))
    scoring_notes = models.TextField(_("评分说明"), blank=True)
    min_score = models.PositiveSmallIntegerField(
        _("最低得分"), null=True, blank=True, help_text=_("管理办法未规定时留空。")
    )
    min_score_article = article_field(_("最低得分条款"))
    bonus_steps = models.CharField(
        _("加分项分值"),
        max_length=64,
        blank=True,
        validators=[validate_bonus_steps],
        help_text=_(
            "总分之外的加分，每项的分值，以顿号或逗号分隔，例如运城市人才引进加分“5、20”"
            "（一般人才每人5分，正高级人才每人20分）。管理办法未规定加分时留空。"
        ),
    )
    bonus_article = article_field(_("加分条款"))

    # Validity and publicity
    validity_years = models.PositiveSmallIntegerField(
        _("有效期（年）"), null=True, blank=True, help_text=_("管理办法未规定时留空。")
    )
    validity_article = article_field(_("有效期条款"))
    publicity_notes = models.TextField(_("公示说明"), blank=True)

    # Bans
    revocation_ban_years = models.PositiveSmallIntegerField(
        _("撤销后禁止申报（年）"), null=True, blank=True
    )
    revocation_ban_editions = models.PositiveSmallIntegerField(
        _("撤销后禁止申报（届，自撤销当年起算）"), null=True, blank=True
    )
    revocation_ban_article = article_field(_("撤销后禁止申报条款"))
    reapply_ban_editions = models.PositiveSmallIntegerField(
        _("获奖后不得重复申报（届）"), null=True, blank=True
    )
    reapply_barred_during_validity = models.BooleanField(_("有效期内不得重新申报"), default=False)
    reapply_article = article_field(_("重复申报条款"))
    repeat_winner_gets_prize_money = models.BooleanField(_("再次获奖仍发奖金"), default=True)
    repeat_winner_takes_quota = models.BooleanField(_("再次获奖占用名额"), default=True)
    repeat_winner_article = article_field(_("再次获奖条款"))

    # Prize, revocation, complaints, use of the title
    prize_description = models.CharField(_("奖励内容"), max_length=200, blank=True)
    prize_money_yuan = models.PositiveIntegerField(_("奖金（元/个）"), null=True, blank=True)
    prize_article = article_field(_("奖励条款"))
    revocation_consequences = models.TextField(_("撤销的后果"), blank=True)
    revocation_consequences_article = article_field(_("撤销条款"))
    complaints = models.TextField(_("投诉举报规定"), blank=True)
    complaints_article = article_field(_("投诉举报条款"))
    title_use = models.TextField(_("荣誉称号使用规定"), blank=True)
    title_use_article = article_field(_("称号使用条款"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("level"), FieldPanel("region")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("organiser"),
                FieldPanel("office"),
                FieldPanel("supervisor"),
                FieldPanel("organisation_article"),
            ],
            heading=_("组织机构"),
        ),
        FieldPanel("body"),
    ]
    regulation_panels = [
        FieldPanel("regulation_title"),
        FieldRowPanel([FieldPanel("regulation_number"), FieldPanel("regulation_status")]),
        FieldRowPanel(
            [
                FieldPanel("regulation_issued_on"),
                FieldPanel("regulation_effective_from"),
                FieldPanel("regulation_expires_on"),
            ]
        ),
        FieldPanel("regulation_dates_article"),
        FieldPanel("regulation_url"),
        FieldPanel("regulation_replaces"),
    ]
    rules_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("cycle_years"), FieldPanel("cycle_article")]),
                FieldRowPanel(
                    [
                        FieldPanel("awards_organisations"),
                        FieldPanel("awards_individuals"),
                        FieldPanel("recipients_article"),
                    ]
                ),
            ],
            heading=_("周期与授奖对象"),
        ),
        MultiFieldPanel(
            [
                InlinePanel("levels", label=_("奖项类别")),
                FieldPanel("quota_article"),
                FieldRowPanel([FieldPanel("vacancy_allowed"), FieldPanel("vacancy_article")]),
            ],
            heading=_("奖项类别与名额"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("scoring_standard"),
                FieldRowPanel([FieldPanel("max_score"), FieldPanel("scoring_article")]),
                FieldPanel("scoring_notes"),
                FieldRowPanel([FieldPanel("min_score"), FieldPanel("min_score_article")]),
                FieldRowPanel([FieldPanel("bonus_steps"), FieldPanel("bonus_article")]),
            ],
            heading=_("评审标准"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("validity_years"), FieldPanel("validity_article")]),
                InlinePanel("publicity_kinds", label=_("公示类型")),
                FieldPanel("publicity_notes"),
            ],
            heading=_("有效期与公示"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("revocation_ban_years"),
                        FieldPanel("revocation_ban_editions"),
                        FieldPanel("revocation_ban_article"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("reapply_ban_editions"),
                        FieldPanel("reapply_barred_during_validity"),
                        FieldPanel("reapply_article"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("repeat_winner_gets_prize_money"),
                        FieldPanel("repeat_winner_takes_quota"),
                        FieldPanel("repeat_winner_article"),
                    ]
                ),
            ],
            heading=_("禁止申报与再次获奖"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("prize_description"),
                FieldRowPanel([FieldPanel("prize_money_yuan"), FieldPanel("prize_article")]),
            ],
            heading=_("奖励"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("revocation_consequences"),
                FieldPanel("revocation_consequences_article"),
                InlinePanel("revocation_grounds", label=_("撤销情形")),
            ],
            heading=_("撤销"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("complaints"),
                FieldPanel("complaints_article"),
                FieldPanel("title_use"),
                FieldPanel("title_use_article"),
            ],
            heading=_("监督与称号使用"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("内容")),
            ObjectList(regulation_panels, heading=_("管理办法")),
            ObjectList(rules_panels, heading=_("评选规则")),
            ObjectList(Page.promote_panels, heading=_("推广")),
            ObjectList(PAGE_SETTINGS_PANELS, heading=_("设置")),
        ]
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("region"),
        index.SearchField("regulation_title"),
        index.SearchField("regulation_number"),
        index.FilterField("level"),
    ]

    api_fields = [
        APIField(name)
        for name in (
            "level",
            "region",
            "organiser",
            "office",
            "supervisor",
            "summary",
            "body",
            "regulation_title",
            "regulation_number",
            "regulation_status",
            "regulation_issued_on",
            "regulation_effective_from",
            "regulation_expires_on",
            "regulation_url",
            "regulation_replaces",
            "cycle_years",
            "awards_organisations",
            "awards_individuals",
            "vacancy_allowed",
            "scoring_standard",
            "max_score",
            "min_score",
            "bonus_steps",
            "validity_years",
            "publicity_kinds",
            "publicity_notes",
            "revocation_ban_years",
            "revocation_ban_editions",
            "reapply_ban_editions",
            "reapply_barred_during_validity",
            "repeat_winner_gets_prize_money",
            "repeat_winner_takes_quota",
            "prize_description",
            "prize_money_yuan",
            "revocation_consequences",
            "complaints",
            "title_use",
            "levels",
            "revocation_grounds",
        )
    ]

    parent_page_types = ["programmes.ProgrammeIndexPage"]
    subpage_types = ["programmes.EditionPage", "revocations.RevocationPage"]

    base_form_class = ProgrammeForm

    class Meta:
        verbose_name = _("评选项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(revocation_ban_years__isnull=True)
                | Q(revocation_ban_editions__isnull=True),
                name="revocation_ban_in_years_or_editions",
            ),
            models.CheckConstraint(
                condition=Q(cycle_years__gte=1), name="programme_cycle_at_least_one_year"
            ),
            models.CheckConstraint(
                condition=Q(min_score__isnull=True) | Q(min_score__lte=models.F("max_score")),
                name="programme_min_score_within_max",
            ),
        ]

    def clean(self):
        super().clean()
        self.title = visible(self.title)
        errors = {}
        if self.revocation_ban_years and self.revocation_ban_editions:
            errors["revocation_ban_editions"] = _(
                "撤销后的禁止申报期按年或按届计算，只能填写一项。"
            )
        if (
            self.min_score is not None
            and self.max_score is not None
            and self.min_score > self.max_score
        ):
            errors["min_score"] = _("最低得分不能高于满分。")
        if not (self.awards_organisations or self.awards_individuals):
            errors["awards_organisations"] = _("至少授予组织或个人之一。")
        if (
            self.regulation_effective_from
            and self.regulation_expires_on
            and self.regulation_expires_on < self.regulation_effective_from
        ):
            errors["regulation_expires_on"] = _("有效期截止日期不能早于施行日期。")
        try:
            self.regulation_number = clean_document_number(
                self.regulation_number, "regulation_number"
            )
        except ValidationError as refusal:
            errors.update(refusal.message_dict)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def containing(cls, page) -> "ProgrammePage | None":
        """The programme a page belongs to (the page itself when it is a programme)."""
        return cls.objects.ancestor_of(page, inclusive=True).first()

    @property
    def regulation_reference(self) -> str:
        """How a refusal names the regulation: its 文号, else its title."""
        return self.regulation_number or f"《{self.regulation_title}》"

    def rules(self) -> rules.ProgrammeRules:
        """This programme's rules as plain values for gongshi.rules."""
        return rules.ProgrammeRules(
            name=self.title,
            regulation=self.regulation_reference,
            cycle_years=self.cycle_years,
            levels=tuple(
                rules.Level(
                    name=level.name,
                    category=rules.Category(level.category),
                    quota=level.quota,
                    bars_reapplication=level.bars_reapplication,
                )
                for level in self.levels.all()
            ),
            quota_article=self.quota_article or None,
            min_score=self.min_score,
            min_score_article=self.min_score_article or None,
            max_score=self.max_score,
            bonus_steps=parse_bonus_steps(self.bonus_steps),
            bonus_article=self.bonus_article or None,
            validity_years=self.validity_years,
            validity_article=self.validity_article or None,
            notice_kinds=tuple(
                kind.as_rule(self.regulation_reference) for kind in self.publicity_kinds.all()
            ),
            revocation_ban_years=self.revocation_ban_years,
            revocation_ban_editions=self.revocation_ban_editions,
            revocation_ban_article=self.revocation_ban_article or None,
            reapply_ban_editions=self.reapply_ban_editions,
            reapply_barred_during_validity=self.reapply_barred_during_validity,
            reapply_article=self.reapply_article or None,
            repeat_winner_takes_quota=self.repeat_winner_takes_quota,
            repeat_winner_gets_prize_money=self.repeat_winner_gets_prize_money,
            repeat_winner_article=self.repeat_winner_article or None,
            grounds=tuple(
                ground.as_rule(self.regulation_reference)
                for ground in self.revocation_grounds.all()
            ),
        )


class EditionPage(NoExpiryPage, PreviewOnly, Page):
    """One edition (届) of a programme; its notices and decision live below it."""

    number = models.PositiveSmallIntegerField(_("届次"), help_text=_("第几届"))
    year = models.PositiveSmallIntegerField(_("年度"))
    introduction = models.TextField(_("简介"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("year")]),
        FieldPanel("introduction"),
    ]
    api_fields = [APIField("number"), APIField("year"), APIField("introduction")]
    search_fields = [*Page.search_fields, index.FilterField("year")]

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = [
        "notices.CallForApplicationsPage",
        "notices.PublicityNoticePage",
        "decisions.AwardDecisionPage",
    ]

    base_form_class = EditionForm

    class Meta:
        verbose_name = _("届次")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2200), name="edition_year_plausible"
            )
        ]

    def clean(self):
        super().clean()
        self.title = visible(self.title)

    @property
    def programme(self) -> ProgrammePage:
        return ProgrammePage.objects.parent_of(self).get()

    def citation(self, level_name: str) -> str:
        from gongshi.rules.awards import citation

        return citation(self.year, level_name)
