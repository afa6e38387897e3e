"""Reporting channels (举报渠道): how the public reaches the supervision group.

Owned by the supervision group (监督组); like everything public, a channel goes live only
through the approval workflow.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from cms.base.models import NoExpiry
from cms.base.panels import GoLivePanel


class ReportingChannel(
    NoExpiry,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    models.Model,
):
    programme = models.ForeignKey(
        "programmes.ProgrammePage",
        on_delete=models.PROTECT,
        related_name="reporting_channels",
        verbose_name=_("奖项"),
    )
    name = models.CharField(
        _("受理机构"), max_length=128, help_text=_("例如：运城市市长质量奖监督组")
    )
    phone = models.CharField(_("电话"), max_length=64, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    postal_address = models.CharField(_("通信地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    office = models.CharField(_("接待地点"), max_length=200, blank=True)
    office_hours = models.CharField(_("接待时间"), max_length=200, blank=True)
    report_contents = models.TextField(
        _("举报须包含的内容"), help_text=_("被举报对象、事实、证据材料、联系方式等。")
    )
    anonymous_accepted = models.BooleanField(_("受理匿名举报"), default=True)
    real_name_encouraged = models.BooleanField(_("提倡实名举报"), default=True)
    deadline_rule = models.TextField(
        _("提出时限"),
        blank=True,
        help_text=_("例如：对公示名单的异议须在公示期截止前提出，以邮戳或邮件发送时间为准。"),
    )
    procedure = models.TextField(_("处理流程"))
    acknowledge_within_working_days = models.PositiveSmallIntegerField(
        _("受理答复时限（工作日）"), null=True, blank=True
    )
    conclude_within_working_days = models.PositiveSmallIntegerField(
        _("办结时限（工作日）"), null=True, blank=True
    )
    confidentiality_promise = models.TextField(_("保密承诺"))
    legal_basis = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("例如：运政发〔2023〕14号 第二十八条")
    )

    panels = [
        FieldPanel("programme"),
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldRowPanel([FieldPanel("postal_address"), FieldPanel("postcode")]),
                FieldRowPanel([FieldPanel("office"), FieldPanel("office_hours")]),
            ],
            heading=_("联系方式"),
        ),
        FieldPanel("report_contents"),
        FieldRowPanel([FieldPanel("anonymous_accepted"), FieldPanel("real_name_encouraged")]),
        FieldPanel("deadline_rule"),
        FieldPanel("procedure"),
        FieldRowPanel(
            [
                FieldPanel("acknowledge_within_working_days"),
                FieldPanel("conclude_within_working_days"),
            ]
        ),
        FieldPanel("confidentiality_promise"),
        FieldPanel("legal_basis"),
        GoLivePanel(),  # nothing public expires (cms/base/removal.py)
    ]
    search_fields = [index.SearchField("name"), index.FilterField("live")]
    api_fields = [
        APIField(name)
        for name in (
            "name",
            "phone",
            "email",
            "postal_address",
            "postcode",
            "office",
            "office_hours",
            "report_contents",
            "anonymous_accepted",
            "real_name_encouraged",
            "deadline_rule",
            "procedure",
            "acknowledge_within_working_days",
            "conclude_within_working_days",
            "confidentiality_promise",
            "legal_basis",
            "last_published_at",
        )
    ]

    class Meta:
        verbose_name = _("举报渠道")
        verbose_name_plural = _("举报渠道")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(postcode="") | models.Q(postcode__regex=r"^[0-9]{6}$"),
                name="postcode_six_digits",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from gongshi.rules.text import ascii_digits

        super().clean()  # NoExpiry

        self.postcode = ascii_digits(self.postcode.strip())
        if self.postcode and not (len(self.postcode) == 6 and self.postcode.isdigit()):
            raise ValidationError({"postcode": _("邮政编码为6位数字。")})
        if not (self.phone or self.email or self.postal_address):
            raise ValidationError({"phone": _("至少公布电话、邮箱或通信地址中的一种。")})

    def get_preview_template(self, request, mode_name):
        return "reporting/reporting_channel_preview.html"
