"""The shared kernel: the home page, what every public document has, its public change
history, the working-day calendar, and the approval tasks of the workflow."""

from django.apps import apps
from django.conf import settings
from django.contrib.admin import display as admin_display
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page, TaskState
from wagtail.search import index

from gongshi.rules import timeliness, workdays
from gongshi.rules.text import visible

from . import publication, removal
from .forms import CalendarYearForm, GongshiPageForm, NoExpiryModelForm, OfficialDocumentForm
from .panels import PAGE_SETTINGS_PANELS
from .publication import ApprovalRefused, Note, approving, going_live_moment
from .validators import clean_document_number

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class PreviewOnly:
    """The CMS renders a page only for its editors' preview; the public site is Pelican's."""

    def get_template(self, request, *args, **kwargs):
        return "preview.html"


class NoExpiry:
    """Nothing public on this site expires (removal.NO_EXPIRY, ADR 36), page or snippet:
    the scheduling dialog offers no expiry, the form refuses one posted all the same, a
    copy never carries one, the model refuses to take one on and the approval refuses a
    version holding one (publication.refusal). One stored before this rule is not
    obeyed: the scheduler cancels it (cms/publishing/management/commands/
    publish_scheduled.py)."""

    base_form_class = NoExpiryModelForm
    exclude_fields_in_copy = ["expire_at"]

    def clean(self):
        super().clean()
        if removal.expiry_refusal(self) and not self._holds_expiry(self.expire_at):
            raise ValidationError(removal.NO_EXPIRY)

    def _holds_expiry(self, expire_at) -> bool:
        """Whether the stored row already has this expiry (saved again as it was, by an
        unpublish say): refused when taken on, not when found."""
        stored = type(self)._default_manager.filter(pk=self.pk, expire_at=expire_at)
        return self.pk is not None and stored.exists()


class NoExpiryPage(NoExpiry):
    """NoExpiry for a page type: its 设置 tab and its form."""

    settings_panels = PAGE_SETTINGS_PANELS
    base_form_class = GongshiPageForm


class HomePage(NoExpiryPage, PreviewOnly, Page):
    """Root of the public tree: programmes, their editions and documents live below it."""

    introduction = models.TextField(_("简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["programmes.ProgrammeIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")


class OfficialDocumentPage(NoExpiryPage, PreviewOnly, Page):
    """What every published document shares: its 文号, issuer, date signed, body,
    attachments, and the change note that feeds its public change history."""

    document_number = models.CharField(
        _("文号"),
        max_length=64,
        blank=True,
        help_text=_("例如：运政发〔2023〕14号。年份使用六角括号〔〕。没有文号的公告可留空。"),
    )
    issuing_body = models.CharField(_("发布机构"), max_length=128)
    date_signed = models.DateField(_("成文日期"))
    summary = models.TextField(_("摘要"), blank=True, max_length=500)
    body = RichTextField(_("正文"), blank=True, features=RICH_TEXT_FEATURES)
    attachments = StreamField(
        [("document", DocumentChooserBlock(label=_("附件")))],
        blank=True,
        verbose_name=_("附件"),
    )
    change_note = models.TextField(
        _("更新说明"),
        blank=True,
        help_text=_("修改已发布的内容时必填，说明改了什么、为什么改；将公开显示在“更新记录”中。"),
    )
    change_is_major = models.BooleanField(
        _("重大更正"),
        default=False,
        help_text=_("影响名单、日期或结论的更正为重大更正，会推送给订阅者；错别字等为一般修改。"),
    )

    document_panels = [
        FieldRowPanel([FieldPanel("document_number"), FieldPanel("date_signed")]),
        FieldPanel("issuing_body"),
        FieldPanel("summary"),
    ]
    body_panels = [FieldPanel("body"), FieldPanel("attachments")]
    change_panels = [
        MultiFieldPanel(
            [FieldPanel("change_note"), FieldPanel("change_is_major")],
            heading=_("更新记录"),
        )
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("document_number"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date_signed"),
    ]

    api_fields = [
        APIField("document_number"),
        APIField("issuing_body"),
        APIField("date_signed"),
        APIField("summary"),
        APIField("body"),
        APIField("attachments"),
        APIField("first_published_at"),
        APIField("last_published_at"),
        APIField("change_history"),
    ]

    base_form_class = OfficialDocumentForm

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        self.title = visible(self.title)
        self.issuing_body = visible(self.issuing_body)
        self.document_number = clean_document_number(self.document_number, "document_number")
        if self.date_signed and self.date_signed > timezone.localdate():
            raise ValidationError({"date_signed": _("成文日期不能晚于今天。")})

    def publish(self, revision, *args, **kwargs):
        """Wagtail's publish in one transaction: the page row, its change history and its
        entries in the publication log (cms.recordlog) are written together or not at
        all."""
        with transaction.atomic():
            return super().publish(revision, *args, **kwargs)

    def unpublish(self, *args, **kwargs):
        """Wagtail's unpublish in one transaction with its publication log entry."""
        with transaction.atomic():
            return super().unpublish(*args, **kwargs)

    @property
    def programme(self):
        # By name: the kernel does not import the apps built on it.
        return apps.get_model("programmes", "ProgrammePage").containing(self)

    def publication_refusal(self, moment) -> str | None:
        """Why this version must not go live at `moment`, or None (see publication.py)."""
        return None

    def publication_outlook(self, moment) -> list[Note]:
        """What going live at `moment` would mean; here, whether it is late."""
        if self.first_published_at is not None or self.date_signed is None:
            return []
        from .calendar import official_calendar

        warning = timeliness.lateness_warning(official_calendar(), self.date_signed, moment.date())
        return [Note(warning, warning=True)] if warning else []

    def change_statement(self, revision) -> str:
        """What the server itself states about the change `revision` makes public, written
        before the editor's note in the change history (a period correction, say)."""
        return ""

    @property
    def change_history(self):
        """Published changes, oldest first, for the public 更新记录."""
        return [
            {
                "published_at": note.published_at.isoformat(),
                "note": note.note,
                "is_major": note.is_major,
            }
            for note in self.change_notes.order_by("published_at", "pk")
        ]


class ChangeNote(models.Model):
    """One line of a document's public change history, written by the server on publish."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="change_notes", verbose_name=_("页面")
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))
    note = models.TextField(_("更新说明"))
    is_major = models.BooleanField(_("重大更正"), default=False)

    class Meta:
        verbose_name = _("更新记录")
        verbose_name_plural = _("更新记录")
        ordering = ["published_at", "pk"]

    def __str__(self):
        return f"{self.published_at:%Y-%m-%d %H:%M} {self.note}"


class CalendarYear(ClusterableModel):
    """A year's holidays and make-up working days, entered from the State Council's notice
    for a year the bundled calendar does not cover yet (or, confirmed day by day, in place
    of one it does). It counts only once complete and marked 录入完毕 (ADR 0019)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source_title = models.CharField(
        _("依据"),
        max_length=200,
        help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    source_number = models.CharField(
        _("文号"), max_length=64, blank=True, help_text=_("例如：国办发明电〔2026〕7号")
    )
    source_date = models.DateField(_("通知发布日期"), null=True, blank=True)
    source_url = models.URLField(_("原文链接"), blank=True)
    completed_at = models.DateTimeField(_("录入完毕时间"), null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("确认人"),
    )

    panels = [
        FieldPanel("year"),
        FieldPanel("source_title"),
        FieldRowPanel(
            [FieldPanel("source_number"), FieldPanel("source_date"), FieldPanel("source_url")]
        ),
        InlinePanel("days", heading=_("放假与调休上班日期"), label=_("日期")),
        MultiFieldPanel(
            [FieldPanel("entry_complete"), FieldPanel("confirm_differences")],
            heading=_("录入完毕"),
        ),
    ]
    base_form_class = CalendarYearForm

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年节假日安排"

    def clean(self):
        self.source_number = clean_document_number(self.source_number, "source_number")

    def entered(self, days=None) -> workdays.EnteredYear:
        """This year as the rules see it (`days`: the rows being saved, if not stored yet)."""
        days = list(self.days.all()) if days is None else days
        return workdays.EnteredYear(
            year=self.year,
            source_number=self.source_number,
            source_date=self.source_date,
            holidays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.HOLIDAY),
            makeup_workdays=frozenset(
                d.date for d in days if d.kind == CalendarDay.Kind.MAKEUP_WORKDAY
            ),
        )

    @property
    def counts(self) -> bool:
        """Whether this year is part of the official calendar: marked complete, and still
        complete (a year edited outside the admin form must not count half-entered)."""
        return self.completed_at is not None and not workdays.entry_problems(self.entered())

    @admin_display(description=_("状态"))
    def state(self) -> str:
        return _("录入完毕，已生效") if self.counts else _("未录入完毕，不生效")


class CalendarDay(Orderable):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        MAKEUP_WORKDAY = "workday", _("调休上班")

    calendar_year = ParentalKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")])]

    class Meta(Orderable.Meta):
        verbose_name = _("日期")
        constraints = [
            models.UniqueConstraint(fields=["calendar_year", "date"], name="one_entry_per_day")
        ]


def edit_url(obj) -> str:
    """Where an editor fixes what an approval refused: the item's edit page."""
    from django.urls import reverse
    from wagtail.admin.admin_url_finder import AdminURLFinder

    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=(obj.pk,))
    return AdminURLFinder().get_edit_url(obj) or reverse("wagtailadmin_home")


class IndependentApprovalTask(AbstractGroupApprovalTask):
    """Approval by the chosen groups, never by whoever submitted or last edited the item."""

    class Meta:
        verbose_name = _("独立审核")
        verbose_name_plural = _("独立审核")

    def refusal_reason(self, obj, user) -> str | None:
        workflow_state = obj.current_workflow_state
        if workflow_state is None:
            return None
        if workflow_state.requested_by_id == user.pk:
            return _("提交人不能审核自己提交的内容。")
        latest = obj.get_latest_revision()
        if latest is not None and latest.user_id == user.pk:
            return _("最后修改人不能审核自己修改的内容。")
        return None

    def get_actions(self, obj, user):
        if self.refusal_reason(obj, user):
            return []
        actions = super().get_actions(obj, user)
        if not actions:
            return []
        # One approval action, always through the dialog that shows what approving now
        # would do (the period a notice gets, a late publication) before it is done.
        return [("reject", label, True) for name, label, _modal in actions if name == "reject"] + [
            ("approve", _("批准"), True)
        ]

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        obj = task_state.workflow_state.content_object
        if reason := self.refusal_reason(obj, user):
            raise PermissionDenied(reason)
        # What goes live is the latest version (wagtail.workflows.publish_workflow_state).
        candidate = obj.get_latest_revision().as_object()
        moment = going_live_moment(candidate)
        if refusal := publication.refusal(candidate, moment):
            raise ApprovalRefused(refusal, redirect_to=edit_url(obj))
        with approving(timezone.localtime()):
            return super().on_action(task_state, user, action_name, **kwargs)

    def get_template_for_action(self, action):
        # The approver sees what approving now would do (the period, a late publication).
        return (
            "base/approve_modal.html"
            if action == "approve"
            else super().get_template_for_action(action)
        )

    @classmethod
    def get_description(cls):
        return _("所选用户组的成员可以审核，但提交人和最后修改人不能审核自己的内容。")


class SecondApprovalTask(IndependentApprovalTask):
    """A second approver, different from the first, for items that need two (revocations).

    Items that need one approval skip this step, so one workflow serves every page type.
    """

    class Meta:
        verbose_name = _("二次审核")
        verbose_name_plural = _("二次审核")

    def start(self, workflow_state, user=None):
        content = workflow_state.content_object
        model = getattr(content, "specific_class", None) or type(content)  # pages load as Page
        if getattr(model, "requires_two_approvals", False):
            return super().start(workflow_state, user=user)
        task_state = TaskState(
            workflow_state=workflow_state,
            task=self,
            status=TaskState.STATUS_SKIPPED,
            revision=content.get_latest_revision(),
            finished_at=timezone.now(),
        )
        task_state.save()
        return task_state

    def refusal_reason(self, obj, user) -> str | None:
        if reason := super().refusal_reason(obj, user):
            return reason
        earlier = TaskState.objects.filter(
            workflow_state=obj.current_workflow_state,
            status=TaskState.STATUS_APPROVED,
            finished_by=user,
        ).exclude(task=self)
        if earlier.exists():
            return _("撤销须由两名不同的审核人批准，您已批准过前一步。")
        return None

    @classmethod
    def get_description(cls):
        return _("撤销等须两人批准的内容，由不同于第一审核人的成员再次审核；其他内容自动跳过。")
