"""The public intake form and the receipt form; their messages are for citizens."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.db.models import Q
from django.utils import timezone

from cms.base.public import public_pages
from cms.notices.models import PublicityNoticePage
from cms.programmes.models import ProgrammePage

FORM_TOKEN_SALT = "supervision.intake.form"
MAX_REPORT_CHARS = 20_000


def programmes_with_channels():
    """Public programmes with a live reporting channel: the programmes the site lists."""
    return (
        public_pages(ProgrammePage)
        .filter(reporting_channels__live=True)
        .distinct()
        .order_by("path")
    )


def open_notices(today=None):
    """Public notices whose publicity period is open: objections are against one of
    these. Public as the site shows them (cms/base/public.py): never one below a draft
    edition or behind a view restriction."""
    today = today or timezone.localdate()
    return (
        public_pages(PublicityNoticePage)
        .filter(start_date__lte=today)
        .filter(Q(end_date__gte=today) | Q(end_date__isnull=True))
        .order_by("path")
    )


def new_form_token() -> str:
    return signing.TimestampSigner(salt=FORM_TOKEN_SALT).sign("report")


class ReportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="评选项目",
        queryset=ProgrammePage.objects.none(),
        empty_label="请选择",
        error_messages={
            "required": "请选择评选项目。",
            "invalid_choice": "请选择列表中的评选项目。",
        },
    )
    notice = forms.TypedChoiceField(
        label="所涉公示（对公示名单提出异议时选择）",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "请选择列表中的公示。"},
    )
    subject = forms.CharField(
        label="被举报单位或个人",
        max_length=200,
        error_messages={
            "required": "请填写被举报的单位或个人。",
            "max_length": "名称不超过200字。",
        },
    )
    text = forms.CharField(
        label="举报内容",
        max_length=MAX_REPORT_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="写明事实、发生时间和地点、证据线索。",
        error_messages={
            "required": "请填写举报内容。",
            "max_length": f"举报内容不超过{MAX_REPORT_CHARS}字，较长的材料请作为附件上传。",
        },
    )
    anonymous = forms.BooleanField(label="匿名举报（不留姓名和联系方式）", required=False)
    name = forms.CharField(label="姓名", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    email = forms.EmailField(
        label="电子邮箱",
        max_length=200,
        required=False,
        error_messages={"invalid": "电子邮箱格式不正确。"},
    )
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_with_channels()
        self.fields["notice"].choices = [("", "不涉及具体公示")] + [
            (notice.pk, f"{notice.get_parent().get_parent().title} · {notice.title}")
            for notice in open_notices().specific()
        ]

    def clean(self):
        data = super().clean()
        programme, notice_id = data.get("programme"), data.get("notice")
        if programme and notice_id:
            notice = open_notices().filter(pk=notice_id).first()
            if notice is None or not notice.is_descendant_of(programme):
                self.add_error("notice", "所选公示不属于所选评选项目。")
            data["notice_page"] = notice
        else:
            data["notice_page"] = None
        if programme:
            self._check_identity(programme, data)
        return data

    def _check_identity(self, programme, data):
        channel = programme.reporting_channels.filter(live=True).order_by("pk").first()
        anonymous_allowed = channel is None or channel.anonymous_accepted
        contact = data.get("phone") or data.get("email") or data.get("address")
        if data.get("anonymous"):
            if not anonymous_allowed:
                self.add_error(
                    "anonymous", "该项目的举报渠道不受理匿名举报，请填写姓名和至少一种联系方式。"
                )
            for name in ("name", "phone", "email", "address"):
                data[name] = ""  # anonymous means nothing is kept, even if typed
        elif not data.get("name") or not contact:
            self.add_error(
                "name",
                "实名举报请填写姓名和至少一种联系方式（电话、邮箱或地址）；"
                + ("也可以勾选“匿名举报”。" if anonymous_allowed else "该项目不受理匿名举报。"),
            )

    def token_problem(self, max_age: int) -> str | None:
        """Why the form's own token is not acceptable, or None."""
        try:
            signing.TimestampSigner(salt=FORM_TOKEN_SALT).unsign(
                self.data.get("form_token", ""), max_age=max_age
            )
        except signing.SignatureExpired:
            return "表单已过期（打开时间过长）。"
        except signing.BadSignature:
            return "表单校验信息无效。"
        return None


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label="回执码",
        max_length=60,
        error_messages={"required": "请输入提交举报时获得的回执码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    answer = forms.CharField(
        label="补充答复",
        required=False,
        max_length=MAX_REPORT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"答复不超过{MAX_REPORT_CHARS}字。"},
    )
