"""The rows a programme's rules are made of: award levels with their quotas, the grounds of
revocation, and the kinds of publicity notice with their lengths and articles."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.api import APIField
from wagtail.models import Orderable

from gongshi.rules import programme as rules
from gongshi.rules.publicity import NoticeKindRule

from .fields import ARTICLE_HELP
from .kinds import NoticeKind


class AwardLevel(Orderable):
    """An award level for one category of recipient, with its quota per edition."""

    class Rank(models.TextChoices):
        AWARD = "award", _("奖")
        NOMINATION = "nomination", _("提名奖")

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("组织")
        INDIVIDUAL = "individual", _("个人")

    programme = ParentalKey(
        "programmes.ProgrammePage", on_delete=models.CASCADE, related_name="levels"
    )
    name = models.CharField(
        _("奖项名称"), max_length=100, help_text=_("引用时使用的全称，例如：运城市市长质量奖提名奖")
    )
    rank = models.CharField(_("等级"), max_length=16, choices=Rank.choices, default=Rank.AWARD)
    category = models.CharField(_("授奖对象"), max_length=16, choices=Category.choices)
    quota = models.PositiveSmallIntegerField(_("每届名额上限"))
    bars_reapplication = models.BooleanField(
        _("获奖后限制重复申报"), default=True, help_text=_("例如提名奖获得者可继续申报的，不勾选。")
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("rank")]),
        FieldRowPanel(
            [FieldPanel("category"), FieldPanel("quota"), FieldPanel("bars_reapplication")]
        ),
    ]
    api_fields = [APIField("name"), APIField("rank"), APIField("category"), APIField("quota")]

    class Meta(Orderable.Meta):
        verbose_name = _("奖项类别")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "category"], name="one_quota_per_level_and_category"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_category_display()}）"


class RevocationGround(Orderable):
    """A ground on which the programme's regulation allows an award to be revoked."""

    programme = ParentalKey(
        "programmes.ProgrammePage", on_delete=models.CASCADE, related_name="revocation_grounds"
    )
    text = models.CharField(_("撤销情形"), max_length=200)
    article = models.CharField(_("条款"), max_length=64, help_text=ARTICLE_HELP)
    bars_reapplication = models.BooleanField(
        _("导致禁止申报"), default=True, help_text=_("管理办法对该情形规定了禁止申报期的，勾选。")
    )

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("article"), FieldPanel("bars_reapplication")]),
    ]
    api_fields = [APIField("text"), APIField("article")]

    class Meta(Orderable.Meta):
        verbose_name = _("撤销情形")

    def __str__(self):
        return f"{self.text}（{self.article}）"

    def as_rule(self, regulation: str) -> rules.Ground:
        """The ground as the rules read it, citing `regulation` (its programme's)."""
        return rules.Ground(
            text=self.text,
            citation=rules.Citation(regulation, self.article),
            bars_reapplication=self.bars_reapplication,
        )


class PublicityKind(Orderable):
    """One kind of publicity notice of a programme, with its length and article."""

    programme = ParentalKey(
        "programmes.ProgrammePage", on_delete=models.CASCADE, related_name="publicity_kinds"
    )
    kind = models.CharField(_("公示类型"), max_length=16, choices=NoticeKind.choices)
    name = models.CharField(
        _("管理办法中的名称"), max_length=64, help_text=_("例如：候选名单公示、拟获奖名单公示")
    )
    article = models.CharField(_("条款"), max_length=64, help_text=ARTICLE_HELP)
    min_working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"),
        null=True,
        blank=True,
        help_text=_("管理办法规定的天数；未规定公示期长度的留空，不要自行设定。"),
    )
    exact = models.BooleanField(
        _("恰为该天数"),
        default=False,
        help_text=_("管理办法写“公示5个工作日”的勾选；写“不少于5个工作日”的不勾选。"),
    )
    max_working_days = models.PositiveSmallIntegerField(
        _("公示期上限（工作日）"),
        default=20,
        help_text=_("不是管理办法的规定：编辑填写的公示期超过此数即视为填错，予以拒绝。"),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("name"), FieldPanel("article")]),
        FieldRowPanel(
            [FieldPanel("min_working_days"), FieldPanel("exact"), FieldPanel("max_working_days")]
        ),
    ]
    api_fields = [
        APIField("kind"),
        APIField("name"),
        APIField("article"),
        APIField("min_working_days"),
        APIField("exact"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("公示类型")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="one_rule_per_notice_kind"),
            models.CheckConstraint(
                condition=Q(max_working_days__gte=1)
                & (Q(min_working_days__isnull=True) | Q(min_working_days__gte=1))
                & (
                    Q(min_working_days__isnull=True)
                    | Q(min_working_days__lte=F("max_working_days"))
                ),
                name="publicity_kind_lengths_plausible",
            ),
            models.CheckConstraint(
                condition=Q(exact=False) | Q(min_working_days__isnull=False),
                name="exact_publicity_length_is_stated",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.article}）"

    def clean(self):
        errors = {}
        if self.min_working_days is not None and self.min_working_days < 1:
            errors["min_working_days"] = _("公示期至少为1个工作日；管理办法未规定的请留空。")
        if self.max_working_days is not None and self.max_working_days < 1:
            errors["max_working_days"] = _("公示期上限至少为1个工作日。")
        elif (
            self.min_working_days
            and self.max_working_days
            and self.min_working_days > self.max_working_days
        ):
            errors["max_working_days"] = _("公示期上限不能小于管理办法规定的天数。")
        if self.exact and self.min_working_days is None:
            errors["exact"] = _("管理办法未规定天数时，不能勾选“恰为该天数”。")
        if errors:
            raise ValidationError(errors)

    def as_rule(self, regulation: str) -> NoticeKindRule:
        """The kind as the rules read it, citing `regulation` (its programme's)."""
        return NoticeKindRule(
            kind=self.kind,
            name=self.name,
            citation=rules.Citation(regulation, self.article),
            min_working_days=self.min_working_days,
            exact=self.exact,
            max_working_days=self.max_working_days,
        )
