"""What happens to a case, one function per verb: a report is received, a member reads
it, asks, assigns, extends, concludes; the complainant answers with the receipt.

Each function takes what it needs to encrypt or decrypt: the group's public key is in the
database; a private key is passed in by the caller, who got it from the member's unlocked
session (keyring.py); a reply key comes from the complainant's receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from nacl.public import PrivateKey

from cms.base.calendar import official_calendar
from gongshi.rules.errors import RuleViolation
from gongshi.rules.workdays import WorkdayCalendar, every_day, merge, uncovered_years

from . import crypto, rules
from .models import Case, CaseAccess, CaseMessage, DeclaredConflict, Evidence, Extension, GroupKey

# Sent once a case's conclusion is committed: the public statistics count concluded cases.
case_concluded = Signal()


class IntakeClosed(RuleViolation):
    """No group key yet: nothing could be sealed, so nothing is accepted."""


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content_type: str
    content: bytes


# Submission.channel when the caller has not read the programme's reporting channel.
READ_CHANNEL = object()


@dataclass
class Submission:
    """A report as the intake form cleaned it; it exists only in memory."""

    programme: object  # a ProgrammePage or its id
    notice: object | None  # a PublicityNoticePage or its id
    subject: str  # the organisation or person reported
    text: str
    anonymous: bool
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    evidence: list[EvidenceFile] = field(default_factory=list)
    # The programme's first live ReportingChannel (by id) or None, when the caller has
    # read it by that rule (the intake form's offer, read once per publication version).
    channel: object = READ_CHANNEL


@lru_cache(maxsize=1)
def _every_day() -> WorkdayCalendar:
    return every_day(range(2000, 2200))


def deadline_calendar() -> WorkdayCalendar:
    """The official calendar, and every day counted for years it does not cover yet: a
    report received in December must not be refused because next year's holidays are not
    announced. Such a deadline is in calendar days for that year, earlier than the working
    days would give, never later; the case records it and its pages say so."""
    return _beyond(official_calendar())


@lru_cache(maxsize=4)
def _beyond(official: WorkdayCalendar) -> WorkdayCalendar:
    """The official calendar over two centuries of every-day years, merged once for each
    calendar the administrators confirm (the merge reads 70,000 days: once per report, it
    cost more than sealing the report)."""
    return merge(_every_day(), official)


def counted_in_calendar_days(received_on, due, official: WorkdayCalendar | None = None) -> bool:
    """Whether a deadline from `received_on` to `due` counted calendar days somewhere."""
    return bool(uncovered_years(official or official_calendar(), received_on, due))


def receive(submission: Submission, receipt_cost: crypto.KdfCost) -> tuple[Case, crypto.Receipt]:
    """Seal a report and store it; returns the case and the receipt (shown once)."""
    key = GroupKey.active()
    if key is None:
        raise IntakeClosed("监督组尚未设置加密密钥，暂不能在线受理，请通过电话、信函等渠道反映。")
    public_key = bytes(key.public_key)
    programme_id = getattr(submission.programme, "pk", submission.programme)
    notice_id = getattr(submission.notice, "pk", submission.notice)
    channel = submission.channel
    if channel is READ_CHANNEL:
        from cms.reporting.models import ReportingChannel

        channel = ReportingChannel.objects.filter(programme=programme_id, live=True)
        channel = channel.order_by("pk").first()
    now = timezone.now()
    official = official_calendar()
    due = rules.deadlines(
        timezone.localdate(now),
        _beyond(official),
        channel.acknowledge_within_working_days if channel else None,
        channel.conclude_within_working_days if channel else None,
    )
    report = {"subject": submission.subject, "text": submission.text}
    identity = {
        "anonymous": submission.anonymous,
        "name": submission.name,
        "phone": submission.phone,
        "email": submission.email,
        "address": submission.address,
    }
    sealed_report = crypto.seal_json(public_key, report)
    sealed_identity = crypto.seal_json(public_key, identity)
    salt = crypto.new_salt()
    while True:
        receipt = crypto.new_receipt()
        receipt_keys = crypto.derive_receipt_keys(receipt, salt, receipt_cost)
        try:
            with transaction.atomic() if _needs_transaction(submission) else nullcontext():
                case = Case.objects.create(
                    programme_id=programme_id,
                    notice_id=notice_id,
                    key=key,
                    received_at=now,
                    acknowledge_by=due.acknowledge_by,
                    conclude_by=due.conclude_by,
                    deadlines_in_calendar_days=counted_in_calendar_days(
                        timezone.localdate(now), due.conclude_by, official
                    ),
                    receipt_lookup=receipt.lookup_id,
                    receipt_verifier=receipt_keys.verifier,
                    receipt_salt=salt,
                    receipt_opslimit=receipt_cost.opslimit,
                    receipt_memlimit=receipt_cost.memlimit,
                    sealed_report=sealed_report,
                    sealed_identity=sealed_identity,
                    sealed_reply_key=crypto.seal(public_key, receipt_keys.reply_key),
                )
                # A list, not a generator: bulk_create() opens a transaction unless it
                # can see that it has nothing to store.
                Evidence.objects.bulk_create(
                    [
                        Evidence(
                            case=case,
                            position=position,
                            sealed_meta=crypto.seal_json(
                                public_key,
                                {
                                    "name": item.name,
                                    "type": item.content_type,
                                    "size": len(item.content),
                                },
                            ),
                            sealed_content=crypto.seal(public_key, item.content),
                        )
                        for position, item in enumerate(submission.evidence, start=1)
                    ]
                )
        except IntegrityError:
            # The lookup id is unique, and only 40 bits: a clash is rare, and answered
            # with another receipt, never stored twice. Asked only then, not before
            # each insert; any other failure (a page deleted meanwhile) is the caller's.
            if not Case.objects.filter(receipt_lookup=receipt.lookup_id).exists():
                raise
            continue
        return case, receipt


def _needs_transaction(submission: Submission) -> bool:
    """Whether storing the case takes a transaction (or a savepoint) of its own: with
    evidence, so that the case and its files are stored together or not at all; inside a
    caller's transaction, so that a lookup id's clash does not abort it. A text-only
    report in autocommit is one INSERT, atomic by itself: BEGIN and COMMIT around it were
    two round trips to PostgreSQL a report for nothing."""
    return bool(submission.evidence) or transaction.get_connection().in_atomic_block


# --- The complainant, with the receipt ------------------------------------------------------


def find_by_receipt(receipt: crypto.Receipt) -> tuple[Case, bytes] | None:
    """The case and its reply key, or None; costs one hash at the default cost whether
    or not the lookup id exists (a receipt stored with argon2id before ADR 0040 costs
    that; lookup ids are not secret, the 120-bit secret is what protects a case)."""
    case = Case.objects.filter(receipt_lookup=receipt.lookup_id).first()
    if case is None:
        crypto.derive_receipt_keys(receipt, crypto.new_salt(), _default_receipt_cost())
        return None
    keys = crypto.derive_receipt_keys(receipt, bytes(case.receipt_salt), case.receipt_cost)
    if not crypto.receipt_matches(bytes(case.receipt_verifier), keys):
        return None
    return case, keys.reply_key


def _default_receipt_cost() -> crypto.KdfCost:
    from django.conf import settings

    return crypto.KDF_COSTS[settings.GONGSHI_SUPERVISION_RECEIPT_KDF]


@dataclass(frozen=True)
class Message:
    kind: str
    label: str
    text: str
    created_at: object


def messages_for_complainant(case: Case, reply_key: bytes) -> list[Message]:
    return [
        Message(
            message.kind,
            message.get_kind_display(),
            crypto.open_for_complainant(reply_key, message.boxed_for_complainant),
            message.created_at,
        )
        for message in case.messages.all()
    ]


def answer(case: Case, reply_key: bytes, text: str) -> CaseMessage:
    if case.state == Case.State.CONCLUDED:
        raise RuleViolation("案件已办结，不能再补充答复；如有新情况，请重新提交举报。")
    if not text.strip():
        raise RuleViolation("请填写答复内容。", "text")
    return CaseMessage.objects.create(
        case=case,
        kind=CaseMessage.Kind.ANSWER,
        sealed_for_group=crypto.seal(bytes(case.key.public_key), text.encode("utf-8")),
        boxed_for_complainant=crypto.box_for_complainant(reply_key, text),
    )


# --- The supervision group, with the private key -------------------------------------------


@dataclass
class OpenedCase:
    case: Case
    report: dict
    evidence: list[dict]
    messages: list[Message]
    extensions: list[tuple[Extension, str]]

    @property
    def named(self) -> list[str]:
        """The organisations or people the report names (for recusal)."""
        return [self.report["subject"]] if self.report.get("subject") else []


def private_key_for(case: Case, private_keys: dict[int, PrivateKey]) -> PrivateKey:
    try:
        return private_keys[case.key_id]
    except KeyError:
        raise RuleViolation("未解锁本案件所用的监督组密钥，请先输入口令解锁。") from None


def open_case(case: Case, private_keys: dict[int, PrivateKey], user) -> OpenedCase:
    """Decrypt a case for a member; logs the opening, and refuses (logged too) a member
    who has declared an interest in an organisation the case names."""
    private_key = private_key_for(case, private_keys)
    report = crypto.open_json(private_key, case.sealed_report)
    declared = DeclaredConflict.objects.filter(handler=user).values_list("organisation", flat=True)
    if clashes := rules.conflicts(declared, [report.get("subject", "")]):
        CaseAccess.objects.create(case=case, user=user, action=CaseAccess.Action.REFUSED)
        raise RuleViolation(
            f"您已声明与“{'、'.join(clashes)}”存在利害关系，应当回避，不能查看本案件"
            f"（{rules.RECUSAL_ARTICLE}）。"
        )
    CaseAccess.objects.create(case=case, user=user, action=CaseAccess.Action.OPENED)
    return OpenedCase(
        case=case,
        report=report,
        evidence=[
            {"id": item.pk, **crypto.open_json(private_key, item.sealed_meta)}
            for item in case.evidence.all()
        ],
        messages=[
            Message(
                message.kind,
                message.get_kind_display(),
                crypto.open_sealed(private_key, message.sealed_for_group).decode("utf-8"),
                message.created_at,
            )
            for message in case.messages.all()
        ],
        extensions=[
            (
                extension,
                crypto.open_sealed(private_key, extension.sealed_justification).decode("utf-8"),
            )
            for extension in case.extensions.all()
        ],
    )


def read_identity(case: Case, private_keys: dict[int, PrivateKey], user) -> dict:
    """The complainant's identity, shown only on request and logged: 第二十八条."""
    identity = crypto.open_json(private_key_for(case, private_keys), case.sealed_identity)
    CaseAccess.objects.create(case=case, user=user, action=CaseAccess.Action.IDENTITY)
    return identity


def read_evidence(evidence: Evidence, private_keys: dict[int, PrivateKey], user) -> EvidenceFile:
    private_key = private_key_for(evidence.case, private_keys)
    meta = crypto.open_json(private_key, evidence.sealed_meta)
    content = crypto.open_sealed(private_key, evidence.sealed_content)
    CaseAccess.objects.create(
        case=evidence.case,
        user=user,
        action=CaseAccess.Action.EVIDENCE,
        detail=f"#{evidence.position}",
    )
    return EvidenceFile(meta["name"], meta["type"], content)


def _write_to_complainant(case, private_key, kind, text, user) -> CaseMessage:
    reply_key = crypto.open_sealed(private_key, case.sealed_reply_key)
    return CaseMessage.objects.create(
        case=case,
        kind=kind,
        author=user,
        sealed_for_group=crypto.seal(bytes(case.key.public_key), text.encode("utf-8")),
        boxed_for_complainant=crypto.box_for_complainant(reply_key, text),
    )


def ask(case: Case, private_keys, user, text: str) -> CaseMessage:
    if case.state == Case.State.CONCLUDED:
        raise RuleViolation("案件已办结，不能再提问。")
    if not text.strip():
        raise RuleViolation("请填写问题。", "text")
    message = _write_to_complainant(
        case, private_key_for(case, private_keys), CaseMessage.Kind.QUESTION, text, user
    )
    _acted(case, user, "提问")
    return message


def move(case: Case, target: str, user) -> None:
    """Acknowledge, or start the investigation (conclusion is `conclude`)."""
    rules.check_transition(case.state, target)
    if target == rules.CONCLUDED:
        raise RuleViolation("办结请填写办理结果。")
    case.state = target
    if target == rules.ACKNOWLEDGED:
        case.acknowledged_at = timezone.now()
    case.save(update_fields=["state", "acknowledged_at"])
    _acted(case, user, Case.State(target).label)


def conclude(case: Case, private_keys, user, outcome: str, message: str) -> None:
    rules.check_transition(case.state, rules.CONCLUDED, outcome, message)
    private_key = private_key_for(case, private_keys)
    with transaction.atomic():
        _write_to_complainant(case, private_key, CaseMessage.Kind.OUTCOME, message, user)
        case.state = rules.CONCLUDED
        case.outcome = outcome
        case.concluded_at = timezone.now()
        case.save(update_fields=["state", "outcome", "concluded_at"])
        _acted(case, user, f"办结：{Case.Outcome(outcome).label}")
        # The published counts change (cms.publishing rebuilds; it shows no more than counts).
        transaction.on_commit(lambda: case_concluded.send(sender=Case, case=case))


def extend(case: Case, user, working_days: int, justification: str) -> Extension:
    if case.state == Case.State.CONCLUDED:
        raise RuleViolation("案件已办结，无需延期。")
    new_due = rules.extended(case.conclude_by, working_days, justification, deadline_calendar())
    with transaction.atomic():
        extension = Extension.objects.create(
            case=case,
            previous_due=case.conclude_by,
            new_due=new_due,
            working_days=working_days,
            sealed_justification=crypto.seal(
                bytes(case.key.public_key), justification.encode("utf-8")
            ),
            granted_by=user,
        )
        case.conclude_by = new_due
        case.deadlines_in_calendar_days |= counted_in_calendar_days(
            timezone.localdate(case.received_at), new_due
        )
        case.save(update_fields=["conclude_by", "deadlines_in_calendar_days"])
        _acted(case, user, f"延期{working_days}个工作日至{new_due:%Y-%m-%d}")
    return extension


def assign(opened: OpenedCase, handler, user) -> None:
    """Assign a handler, refusing one who declared an interest in a named organisation."""
    declared = DeclaredConflict.objects.filter(handler=handler).values_list(
        "organisation", flat=True
    )
    rules.check_assignment(
        handler.get_full_name() or handler.get_username(), declared, opened.named
    )
    opened.case.handler = handler
    opened.case.save(update_fields=["handler"])
    _acted(opened.case, user, f"指定承办人：{handler.get_full_name() or handler.get_username()}")


def _acted(case, user, detail: str) -> None:
    CaseAccess.objects.create(case=case, user=user, action=CaseAccess.Action.ACTED, detail=detail)


# --- Reminders and counts -------------------------------------------------------------------


def urgency_of(case: Case, today: date, calendar: WorkdayCalendar) -> str | None:
    pending = case.pending_deadline()
    return rules.urgency(pending[1], today, calendar) if pending else None


def yearly_counts(programme) -> list[rules.YearCounts]:
    """The programme's published counts: numbers only, from plaintext routing fields."""
    return yearly_counts_of([programme.pk]).get(programme.pk, [])


def yearly_counts_of(programme_ids: Iterable[int] | None) -> dict[int, list[rules.YearCounts]]:
    """yearly_counts() of several programmes (of every one when `programme_ids` is None) in
    one query: {programme id: counts}, programmes without cases left out."""
    cases = Case.objects.order_by()
    if programme_ids is not None:
        cases = cases.filter(programme_id__in=list(programme_ids))
    facts: dict[int, list[rules.CaseFacts]] = {}
    for programme, received_at, concluded_at, outcome in cases.values_list(
        "programme_id", "received_at", "concluded_at", "outcome"
    ):
        facts.setdefault(programme, []).append(
            rules.CaseFacts(
                received_on=timezone.localdate(received_at),
                concluded_on=timezone.localdate(concluded_at) if concluded_at else None,
                outcome=outcome,
            )
        )
    return {programme: rules.yearly_counts(rows) for programme, rows in facts.items()}


def ask_editors_to_follow_up(case: Case, user, revocation: bool) -> int:
    """An upheld case leads to a correction of the notice or a revocation, which the
    editors prepare and the approvers approve as usual; the e-mail names the document,
    never the report or the complainant. Returns how many editors were told."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    from cms.base.roles import EDITORS

    if case.outcome != Case.Outcome.UPHELD:
        raise RuleViolation("只有认定属实的案件才能发起更正或撤销。")
    base = settings.WAGTAILADMIN_BASE_URL
    if revocation:
        subject = f"请起草撤销决定：{case.programme.title}"
        body = (
            f"监督组认定案件 {case.number} 反映的问题属实，请在“{case.programme.title}”下起草撤销决定，"
            f"按正常审核流程提交。\n{base}/admin/pages/{case.programme_id}/"
        )
    else:
        if case.notice is None:
            raise RuleViolation("本案件不涉及具体公示，请改为发起撤销或通知编辑核实。")
        subject = f"请更正公示：{case.notice.title}"
        body = (
            f"监督组认定案件 {case.number} 对公示《{case.notice.title}》的异议属实，请修改该公示，"
            f"填写“重大更正”说明，按正常审核流程提交。\n{base}/admin/pages/{case.notice_id}/edit/"
        )
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=EDITORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    send_mail(subject, body, None, recipients)
    _acted(case, user, "通知编辑发起撤销" if revocation else "通知编辑发起更正")
    return len(recipients)


def send_deadline_reminders(today: date | None = None) -> int:
    """E-mail the handler (or, unassigned, every member) of each case whose next deadline
    is near or past, once a day. The e-mail says which case and which deadline, no more."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    from cms.base.roles import SUPERVISORS

    today = today or timezone.localdate()
    calendar = deadline_calendar()
    members = list(
        get_user_model()
        .objects.filter(groups__name=SUPERVISORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    sent = 0
    for case in Case.objects.exclude(state=Case.State.CONCLUDED).exclude(last_reminded_on=today):
        name, due = case.pending_deadline()
        urgency = rules.urgency(due, today, calendar)
        if urgency == rules.ON_TIME:
            continue
        recipients = [case.handler.email] if case.handler and case.handler.email else members
        state = "已超期" if urgency == rules.OVERDUE else "即将到期"
        send_mail(
            f"[监督组] 案件 {case.number} {name}期限{state}（{due:%Y-%m-%d}）",
            f"案件 {case.number}（{case.programme.title}）的{name}期限为 {due:%Y-%m-%d}，{state}。"
            f"\n请登录后台办理：{settings.WAGTAILADMIN_BASE_URL}/admin/supervision/{case.pk}/",
            None,
            recipients,
        )
        case.last_reminded_on = today
        case.save(update_fields=["last_reminded_on"])
        sent += 1
    return sent
