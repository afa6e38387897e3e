"""What the government-website rules ask of the site as a whole (国办发〔2017〕47号,
国办秘函〔2019〕19号): who runs it and how it is registered (SiteIdentity, set in the admin
under 设置 › 网站信息), and the index number (索引号) of every item in the government-
information catalogue (IndexNumber, assigned by the server: catalogue.py)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

from gongshi.contract import home, records
from gongshi.rules import website
from gongshi.rules.errors import RuleViolation

# The fields the public site shows, as the contract's record names them (gongshi/contract/
# home.py); the 公安 record's link is made from its number, not stored.
PUBLIC_FIELDS = tuple(name for name in records.names(home.Identity) if name != "police_url")


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """Who runs the public site and how it is registered, as its footer and its pages'
    meta tags must say. An empty field is not shown: nothing is invented for it."""

    sponsor = models.CharField(
        _("主办单位"), max_length=128, blank=True, help_text=_("例如：运城市人民政府办公室")
    )
    organiser = models.CharField(
        _("承办单位"), max_length=128, blank=True, help_text=_("负责网站日常运行维护的单位。")
    )
    phone = models.CharField(_("联系电话"), max_length=64, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=200, blank=True)
    icp_number = models.CharField(
        _("ICP备案号"), max_length=40, blank=True, help_text=_("例如：晋ICP备12345678号-1")
    )
    police_number = models.CharField(
        _("公安机关备案号"),
        max_length=40,
        blank=True,
        help_text=_(
            "例如：晋公网安备14080202000123号；页脚链接到全国互联网安全管理服务平台的备案信息。"
        ),
    )
    site_id_code = models.CharField(
        _("网站标识码"),
        max_length=10,
        blank=True,
        help_text=_("政府网站标识码，10位字母或数字（国办发〔2017〕47号）。"),
    )
    party_government = models.BooleanField(
        _("显示党政机关网站标识"),
        default=False,
        help_text=_("本网站经机构编制部门核准为党政机关网站时勾选。"),
    )
    conac_url = models.URLField(
        _("党政机关网站标识链接"),
        blank=True,
        help_text=_("机构编制部门提供的标识核验地址；勾选上一项时必填。"),
    )
    organisation_code = models.CharField(
        _("信息公开目录机构代码"),
        max_length=18,
        blank=True,
        help_text=_(
            "索引号的前缀，通常为发布机构的统一社会信用代码。索引号在信息首次发布时分配，"
            "以后不再改变：修改本代码只影响此后首次发布的信息。"
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("sponsor"), FieldPanel("organiser")])],
            heading=_("网站主办"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("address"),
            ],
            heading=_("联系我们"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("icp_number"), FieldPanel("police_number")]),
                FieldPanel("site_id_code"),
                FieldRowPanel([FieldPanel("party_government"), FieldPanel("conac_url")]),
            ],
            heading=_("备案与标识"),
        ),
        FieldPanel("organisation_code"),
    ]

    class Meta:
        verbose_name = _("网站信息")
        verbose_name_plural = _("网站信息")

    def __str__(self):
        return str(_("网站信息"))

    def clean(self):
        super().clean()
        problems = {}
        for name, clean in (
            ("icp_number", website.clean_icp_number),
            ("police_number", website.clean_police_number),
            ("site_id_code", website.clean_site_id_code),
            ("organisation_code", website.clean_organisation_code),
        ):
            try:
                setattr(self, name, clean(getattr(self, name)))
            except RuleViolation as problem:
                problems[name] = problem.message
        if self.party_government and not self.conac_url:
            problems["conac_url"] = _("显示党政机关网站标识时，请填写标识核验链接。")
        if problems:
            raise ValidationError(problems)

    @classmethod
    def of_public_site(cls) -> "SiteIdentity":
        """The settings of the site the public site is built from (the site whose root is
        the live home page), or an unsaved empty one: reading never creates a row."""
        from cms.base.models import HomePage

        home = HomePage.objects.live().order_by("pk").first()
        site = home.get_site() if home else None
        found = cls.objects.filter(site=site).first() if site else None
        return found or cls()

    def public(self) -> dict:
        """The export's `identity` object (gongshi/contract): what the footer and meta tags show."""
        values = {name: getattr(self, name) for name in PUBLIC_FIELDS}
        values["police_url"] = website.police_link(self.police_number)
        return values


def public_site_name(home=None) -> str:
    """The public site's name: its Wagtail site's name, else its home page's title."""
    from cms.base.models import HomePage

    home = home or HomePage.objects.live().order_by("pk").first()
    if home is None:
        return str(_("质量奖公示公开平台"))
    site = home.get_site()
    return (site.site_name if site and site.site_name else "") or home.title


class IndexNumber(models.Model):
    """The 索引号 an item got when it first went live. Never changed, never reused: the row
    stays when its page is deleted, and sequences continue after the highest ever given."""

    page = models.OneToOneField(
        Page,
        null=True,
        on_delete=models.SET_NULL,
        related_name="index_number",
        verbose_name=_("页面"),
    )
    number = models.CharField(_("索引号"), max_length=40, unique=True)
    organisation_code = models.CharField(_("机构代码"), max_length=18, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    sequence = models.PositiveIntegerField(_("顺序号"))
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    title = models.CharField(_("首次发布时的标题"), max_length=255)

    class Meta:
        verbose_name = _("索引号")
        verbose_name_plural = _("索引号")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_code", "year", "sequence"], name="one_index_number_each"
            ),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="sequence_from_one"),
        ]

    def __str__(self):
        return self.number
