"""The public intake form and the receipt form; their messages are for citizens."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db.models import Q
from django.forms.renderers import Jinja2
from django.utils import timezone
from wagtail.models import Page

from cms.base.public import public_pages, remembered
from cms.notices.models import PublicityEntry, PublicityNoticePage
from cms.programmes.models import ProgrammePage

FORM_TOKEN_SALT = "supervision.intake.form"
# Django's widgets in Jinja2 (the same markup, autoescaped), as the pages around them
# (cms/supervision/jinja2/): the form page renders nine widgets, and in Django's template
# language they cost half its CPU time.
WIDGETS = Jinja2()
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


@dataclass(frozen=True)
class OfferedProgramme:
    pk: int
    slug: str
    title: str
    path: str
    channel: object  # its first live ReportingChannel (by id), as cases.receive takes it


@dataclass(frozen=True)
class OfferedNotice:
    pk: int
    label: str  # "edition · notice", as the select shows it
    path: str
    entries: tuple[str, ...]  # the names listed, suggested for the subject


@dataclass(frozen=True)
class IntakeOffer:
    """What the form offers today, by the public rule: programmes_with_channels() and
    open_notices(), read once per publication version (cms/base/public.py)."""

    programmes: dict[int, OfferedProgramme]
    notices: dict[int, OfferedNotice]

    def programme_by_slug(self, slug: str) -> OfferedProgramme | None:
        return next((p for p in self.programmes.values() if p.slug == slug), None)

    def notice_of(self, notice_id, programme_id) -> OfferedNotice | None:
        """The offered notice `notice_id` if it lies below the offered programme."""
        notice, programme = self.notices.get(notice_id), self.programmes.get(programme_id)
        if notice is None or programme is None:
            return None
        return notice if notice.path.startswith(programme.path) else None


def intake_offer() -> IntakeOffer:
    return remembered("supervision.intake_offer", _read_offer)


def _read_offer() -> IntakeOffer:
    from cms.reporting.models import ReportingChannel

    programmes = list(programmes_with_channels())
    channels = {}
    for channel in ReportingChannel.objects.filter(
        live=True, programme__in=[p.pk for p in programmes]
    ).order_by("-pk"):
        channels[channel.programme_id] = channel  # the lowest id wins
    notices = list(open_notices())
    entries: dict[int, list[str]] = {}
    listed = PublicityEntry.objects.filter(notice__in=[n.pk for n in notices])
    for notice_id, name in listed.order_by("sort_order", "pk").values_list("notice_id", "name"):
        entries.setdefault(notice_id, []).append(name)
    # The select names each notice's edition (its grandparent): one query for all.
    editions = {n.path[: -2 * Page.steplen] for n in notices}
    titles = dict(Page.objects.filter(path__in=editions).values_list("path", "title"))
    return IntakeOffer(
        programmes={
            p.pk: OfferedProgramme(p.pk, p.slug, p.title, p.path, channels.get(p.pk))
            for p in programmes
        },
        notices={
            n.pk: OfferedNotice(
                n.pk,
                f"{titles.get(n.path[: -2 * Page.steplen], '')} · {n.title}",
                n.path,
                tuple(entries.get(n.pk, ())),
            )
            for n in notices
        },
    )


def new_form_token() -> str:
    return signing.TimestampSigner(salt=FORM_TOKEN_SALT).sign("report")


class ReportForm(forms.Form):
    default_renderer = WIDGETS

    programme = forms.TypedChoiceField(
        label="评选项目",
        coerce=int,
        empty_value=None,
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

    def __init__(self, *args, offer: IntakeOffer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer or intake_offer()
        self.fields["programme"].choices = [("", "请选择")] + [
            (programme.pk, programme.title) for programme in self.offer.programmes.values()
        ]
        self.fields["notice"].choices = [("", "不涉及具体公示")] + [
            (notice.pk, notice.label) for notice in self.offer.notices.values()
        ]

    def clean(self):
        """`programme` and `notice_page` become the offered programme and notice (ids,
        as cases.Submission takes them), read again in one query of their ids only: a
        page deleted since the offer was read is refused here, not at the insert."""
        data = super().clean()
        programme_id, notice_id = data.get("programme"), data.get("notice")
        offered = self.offer.programmes.get(programme_id)
        notice = self.offer.notice_of(notice_id, programme_id) if offered and notice_id else None
        if offered and notice_id and notice is None:
            self.add_error("notice", "所选公示不属于所选评选项目。")
        wanted = [page.pk for page in (offered, notice) if page is not None]
        existing = set(
            Page.objects.filter(pk__in=wanted).order_by().values_list("pk", flat=True)
            if wanted
            else ()
        )
        if offered and offered.pk not in existing:
            self.add_error("programme", "请选择列表中的评选项目。")  # deleted since
            offered = None
        data["programme"] = offered
        data["notice_page"] = notice if notice and notice.pk in existing else None
        if offered:
            self._check_identity(offered.channel, data)
        return data

    def _check_identity(self, channel, data):
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
    default_renderer = WIDGETS

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
