"""Confidential cases of the supervision group (监督组): complaints and objections sent
through the online intake, and what the group does with them.

Only routing metadata is plaintext (programme, notice, state, outcome, dates, handler):
what deadlines, statistics and the inbox need. The report, the complainant's identity,
the evidence and every message are ciphertext (see crypto.py and ADR 0007).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crypto, rules


class GroupKey(models.Model):
    """The supervision group's keypair: the public key seals, the private key is stored
    only locked under the group's passphrase. A new key may replace an old one; the old
    one stays to open the cases sealed to it."""

    public_key = models.BinaryField(_("公钥"))
    locked_private_key = models.BinaryField(_("加密保存的私钥"))
    salt = models.BinaryField(_("口令派生盐值"))
    opslimit = models.PositiveBigIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("监督组密钥")
        verbose_name_plural = _("监督组密钥")
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"], condition=Q(retired_at=None), name="one_active_group_key"
            )
        ]

    def __str__(self):
        return f"{self.fingerprint}（{'停用' if self.retired_at else '使用中'}）"

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(bytes(self.public_key))

    @property
    def locked(self) -> crypto.LockedKeypair:
        return crypto.LockedKeypair(
            public_key=bytes(self.public_key),
            locked_private_key=bytes(self.locked_private_key),
            salt=bytes(self.salt),
            cost=crypto.KdfCost(self.opslimit, self.memlimit),
        )

    @classmethod
    def generate(cls, passphrase: str) -> GroupKey:
        """A new keypair, its private key locked under `passphrase` at the configured cost
        (crypto.EnvelopeError when the passphrase is too weak)."""
        cost = crypto.KDF_COSTS[settings.GONGSHI_SUPERVISION_PASSPHRASE_KDF]
        locked = crypto.create_keypair(passphrase, cost)
        return cls.objects.create(
            public_key=locked.public_key,
            locked_private_key=locked.locked_private_key,
            salt=locked.salt,
            opslimit=cost.opslimit,
            memlimit=cost.memlimit,
        )

    @classmethod
    def active(cls) -> GroupKey | None:
        return cls.objects.filter(retired_at=None).first()

    @classmethod
    def any_active(cls) -> bool:
        """Whether reports can be sealed now (the form says so), without loading the key."""
        return cls.objects.filter(retired_at=None).exists()


class Case(models.Model):
    """One complaint or objection. Plaintext fields are routing metadata only."""

    class State(models.TextChoices):
        RECEIVED = rules.RECEIVED, _("已收到")
        ACKNOWLEDGED = rules.ACKNOWLEDGED, _("已受理")
        INVESTIGATING = rules.INVESTIGATING, _("调查核实中")
        CONCLUDED = rules.CONCLUDED, _("已办结")

    class Outcome(models.TextChoices):
        UPHELD = rules.UPHELD, _("反映属实")
        NOT_UPHELD = rules.NOT_UPHELD, _("反映不属实")
        OUT_OF_SCOPE = rules.OUT_OF_SCOPE, _("不属于受理范围")

    programme = models.ForeignKey(
        "programmes.ProgrammePage",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("奖项"),
    )
    # A public notice: the group must know an objection is running against its deadline.
    # Which entry of it the report names is sealed.
    notice = models.ForeignKey(
        "notices.PublicityNoticePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所涉公示"),
    )
    key = models.ForeignKey(GroupKey, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    outcome = models.CharField(_("办理结果"), max_length=16, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    acknowledge_by = models.DateField(_("受理答复期限"))
    conclude_by = models.DateField(_("办结期限"))
    # The deadlines count working days on the official calendar; for a year whose holidays
    # were not entered when they were set, they counted calendar days (cases.py).
    deadlines_in_calendar_days = models.BooleanField(_("期限按日历日计算"), default=False)
    acknowledged_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    last_reminded_on = models.DateField(null=True, blank=True)

    # The receipt: a public lookup id and a keyed hash of the secret, with its cost
    # (0, 0: unstretched BLAKE2b; older receipts: argon2id) (crypto.py, ADR 0040).
    receipt_lookup = models.CharField(max_length=crypto.LOOKUP_LENGTH, unique=True)
    receipt_verifier = models.BinaryField()
    receipt_salt = models.BinaryField()
    receipt_opslimit = models.PositiveBigIntegerField()
    receipt_memlimit = models.PositiveBigIntegerField()

    # Sealed to the group key: {"text", "subject", "entry"} and {"anonymous", "name", ...}.
    sealed_report = models.BinaryField()
    sealed_identity = models.BinaryField()
    # The reply key, so that a member with the group key can write to the complainant.
    sealed_reply_key = models.BinaryField()

    class Meta:
        verbose_name = _("举报案件")
        verbose_name_plural = _("举报案件")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="concluded") & ~Q(outcome="") & Q(concluded_at__isnull=False))
                | (~Q(state="concluded") & Q(outcome="") & Q(concluded_at__isnull=True)),
                name="concluded_cases_have_an_outcome",
            ),
            models.CheckConstraint(
                condition=Q(conclude_by__gte=models.F("acknowledge_by")),
                name="conclusion_not_due_before_acknowledgement",
            ),
        ]

    def __str__(self):
        return f"案件 {self.number}"

    @property
    def number(self) -> str:
        return f"{self.received_at:%Y}-{self.pk:05d}"

    @property
    def handler_name(self) -> str:
        if self.handler is None:
            return "未指定"
        return self.handler.get_full_name() or self.handler.get_username()

    @property
    def receipt_cost(self) -> crypto.KdfCost:
        return crypto.KdfCost(self.receipt_opslimit, self.receipt_memlimit)

    def pending_deadline(self) -> tuple[str, object] | None:
        return rules.pending_deadline(self.state, self.acknowledge_by, self.conclude_by)


class Evidence(models.Model):
    """One evidence file, sealed with its name and type: {"name", "type"} + bytes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveSmallIntegerField()
    sealed_meta = models.BinaryField()
    sealed_content = models.BinaryField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="evidence_position_unique")
        ]

    def __str__(self):
        return f"{self.case} 证据{self.position}"


class CaseMessage(models.Model):
    """A question from the group, an answer from the complainant, or the outcome.

    Sealed for the group, and boxed under the reply key for the complainant, so each
    side reads the whole conversation and nobody else can."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("监督组提问")
        ANSWER = "answer", _("举报人答复")
        OUTCOME = "outcome", _("处理结果")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sealed_for_group = models.BinaryField()
    boxed_for_complainant = models.BinaryField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="answer", author__isnull=True)
                | (~Q(kind="answer") & Q(author__isnull=False)),
                name="answers_are_anonymous_questions_are_signed",
            )
        ]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class Extension(models.Model):
    """A justified extension of the conclusion deadline; the justification is sealed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    previous_due = models.DateField(_("原办结期限"))
    new_due = models.DateField(_("新办结期限"))
    working_days = models.PositiveSmallIntegerField(_("延长工作日"))
    sealed_justification = models.BinaryField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due__gt=models.F("previous_due")), name="extension_moves_forward"
            )
        ]

    def __str__(self):
        return f"{self.case} 延期至{self.new_due:%Y-%m-%d}"


class CaseAccess(models.Model):
    """Who opened what of a case, and when: the group's own accountability."""

    class Action(models.TextChoices):
        OPENED = "opened", _("查看案件")
        IDENTITY = "identity", _("查看举报人身份")
        EVIDENCE = "evidence", _("下载证据")
        REFUSED = "refused", _("因回避被拒绝查看")
        ACTED = "acted", _("办理操作")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.case} {self.get_action_display()}"


class DeclaredConflict(models.Model):
    """An organisation a handler has an interest in (第三十二条): such cases are not
    assigned to them and they cannot open them."""

    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    organisation = models.CharField(_("单位名称或统一社会信用代码"), max_length=200)
    reason = models.CharField(_("利害关系"), max_length=200, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["handler", "organisation"], name="conflict_declared_once"
            )
        ]

    def __str__(self):
        return self.organisation


class ReminderRun(models.Model):
    """A day's deadline reminders, queued once: the worker queues the next one when it
    starts and after each run, and this row keeps a restarted worker from starting a
    second daily chain."""

    due_at = models.DateTimeField(_("计划时间"), unique=True)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")

    def __str__(self):
        return f"{timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"
