"""Builds of the public site, items withdrawn from it as published in error, and the
withdrawals asked for and awaiting a second approver."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .timestamps import timestamp


class SiteBuild(models.Model):
    """One build of the public site: why it ran, when, how long, and how it ended.

    A build is requested by whatever changed public content; requests arriving before it
    starts join it (`triggers`), so a burst of publishes costs one build.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("构建中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    triggers = models.TextField(_("触发原因"), help_text=_("每行一条。"))
    # The pages whose publishing asked for this build, for an incremental build; None
    # when a trigger can only be followed by a full build (a move, a deletion, a channel);
    # none for the date-driven build, which changes only the build date.
    changed_pages = models.JSONField(_("更改的页面"), null=True, blank=True, default=list)
    incremental = models.BooleanField(_("增量构建"), default=False)
    requested_at = models.DateTimeField(_("请求时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("导出条目数"), null=True, blank=True)
    output = models.CharField(_("输出目录"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("站点构建")
        verbose_name_plural = _("站点构建")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def duration_text(self) -> str:
        duration = self.duration
        return f"{duration.total_seconds():.1f} 秒" if duration is not None else ""

    @property
    def error_summary(self) -> str:
        """What went wrong in a line, and what happens next (a retry, or a person)."""
        lines = [line for line in self.error.splitlines() if line.strip()]
        if not lines:
            return ""
        follow_up = lines[-1] if len(lines) > 1 and "重试" in lines[-1] else ""
        return " ".join(filter(None, [lines[0], follow_up]))

    @property
    def trigger_summary(self) -> str:
        triggers = self.trigger_list
        more = f"（等{len(triggers)}项）" if len(triggers) > 1 else ""
        return (triggers[0] if triggers else "") + more

    trigger_summary.fget.short_description = _("触发原因")

    @property
    def trigger_list(self) -> list[str]:
        return [line for line in self.triggers.splitlines() if line]


class ScheduledBuild(models.Model):
    """A build due when a publicity period opens or closes or an award expires: the
    public site changes with the date, not only with edits."""

    due_at = models.DateTimeField(_("计划时间"), unique=True)
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("定时构建")
        verbose_name_plural = _("定时构建")
        ordering = ["due_at"]

    def __str__(self):
        return f"{timezone.localtime(self.due_at):%Y-%m-%d %H:%M} {self.reason}"


class WithdrawalQuerySet(models.QuerySet):
    def current(self):
        """The latest withdrawal of each page."""
        latest = {}
        for withdrawal in self.order_by("withdrawn_at", "pk"):
            latest[withdrawal.page_id] = withdrawal
        return list(latest.values())


class Withdrawal(models.Model):
    """An item taken off the public site as published in error.

    What was public stays on record: its URL answers 410 Gone with a page saying what was
    withdrawn, when and why. The fields are copied when it is withdrawn so the record
    does not change with later drafts.
    """

    page = models.ForeignKey(
        Page, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("页面")
    )
    page_key = models.PositiveIntegerField(_("页面编号"))
    uuid = models.CharField(max_length=64)
    kind = models.CharField(_("类型"), max_length=16)
    title = models.CharField(_("标题"), max_length=255)
    programme = models.CharField(_("奖项"), max_length=255, blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    first_published_at = models.DateTimeField(_("首次发布时间"))
    last_published_at = models.DateTimeField(_("最后发布时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), default=timezone.now)
    reason = models.TextField(_("撤回原因"))
    # Two people (docs/adr/0035-two-person-withdrawal.md): one asked, another confirmed.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("确认人"),
    )

    objects = WithdrawalQuerySet.as_manager()

    class Meta:
        verbose_name = _("撤回记录")
        verbose_name_plural = _("撤回记录")
        ordering = ["-withdrawn_at"]

    def __str__(self):
        return f"{self.title}（{timezone.localtime(self.withdrawn_at):%Y-%m-%d}）"

    def index_number(self) -> str | None:
        from cms.govsite.models import IndexNumber

        if self.page_id is None:
            return None
        return (
            IndexNumber.objects.filter(page_id=self.page_id)
            .values_list("number", flat=True)
            .first()
        )

    def as_document(self) -> dict:
        from gongshi import contract
        from gongshi.contract import records, withdrawn

        # The record's fields stored under their own names are copied as they are; only
        # the kind, the programme (blank: none), the number and the moment are spelt.
        mapped = {
            "withdrawn_kind": self.kind,
            "programme": self.programme or None,
            "index_number": self.index_number(),
            "withdrawn_at": timezone.localtime(self.withdrawn_at),  # as timestamp() writes it
        }
        record = withdrawn.Withdrawn(
            **{
                name: mapped[name] if name in mapped else getattr(self, name)
                for name in records.names(withdrawn.Withdrawn)
            }
        )
        return {
            "schema": contract.SCHEMA_VERSION,
            "kind": "withdrawn",
            "id": self.page_key,
            "uuid": self.uuid,
            "title": self.title,
            "first_published_at": timestamp(self.first_published_at),
            "last_published_at": timestamp(self.last_published_at),
        } | records.as_document(record)


class WithdrawalRequest(models.Model):
    """A withdrawal asked for by one approver, in effect only once a second confirms it
    (两人原则, docs/adr/0035-two-person-withdrawal.md).

    Until it is confirmed the item stays on the public site unchanged; a rejection keeps
    it there for good, with the reason in the audit log. One item, a page or a reporting
    channel, has at most one request pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认撤回")
        REJECTED = "rejected", _("已驳回")

    page = models.ForeignKey(
        Page,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("页面"),
    )
    channel = models.ForeignKey(
        "reporting.ReportingChannel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("举报渠道"),
    )
    title = models.CharField(_("标题"), max_length=255)
    include_descendants = models.BooleanField(_("同时撤下子页面"), default=False)
    reason = models.TextField(_("撤回原因"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认或驳回人"),
    )
    decided_at = models.DateTimeField(_("确认或驳回时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)

    class Meta:
        verbose_name = _("撤回申请")
        verbose_name_plural = _("撤回申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page__isnull=False, channel__isnull=True)
                | models.Q(page__isnull=True, channel__isnull=False),
                name="withdrawal_request_names_one_item",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed")
                | ~models.Q(decided_by=models.F("requested_by")),
                name="withdrawal_confirmed_by_a_second_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="withdrawal_request_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="withdrawal_rejected_with_a_reason",
            ),
            models.UniqueConstraint(
                fields=["page"],
                condition=models.Q(status="pending"),
                name="one_pending_withdrawal_per_page",
            ),
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(status="pending"),
                name="one_pending_withdrawal_per_channel",
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def item(self):
        """The page (specific) or the channel to withdraw."""
        return self.page.specific if self.page_id else self.channel

    @property
    def kind_label(self) -> str:
        return "举报渠道" if self.channel_id else "页面"
