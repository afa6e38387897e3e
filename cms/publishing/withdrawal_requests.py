"""Two people take a live item off the public site (两人原则,
docs/adr/0035-two-person-withdrawal.md).

An approver's unpublish, with its public reason, only asks (`request_withdrawal`): the
item stays live and the site unchanged. A second approver, never the one who asked (the
superuser no more exempt than anyone), confirms (`confirm_withdrawal`): the item is then
unpublished with Wagtail's own actions, the page's withdrawal is recorded with the reason
and both names (withdrawals.py) and the usual build follows the unpublish signal. Or the
request is rejected (`reject_withdrawal`) with a reason kept in the audit log, and the
item stays live. Each refusal is a sentence (`*_refusal`), None when allowed.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.actions.unpublish import UnpublishAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.admin.utils import get_user_display_name
from wagtail.log_actions import log
from wagtail.models import Page

from cms.reporting.models import ReportingChannel

from .models import WithdrawalRequest
from .withdrawals import withdraw

SUBMITTED = "撤回申请已提交，须另一名审核人确认后生效；确认前该内容仍在公开网站上。"
TWO_PERSONS = (
    "撤回须由两名不同的审核人办理（两人原则）：您提交了这项撤回申请，不能自己确认，"
    "请由另一名审核人在“待确认撤回”中确认。"
)


class WithdrawalRefused(Exception):
    """Why a request, a confirmation or a rejection is refused, as a sentence."""


def pending_request(item) -> WithdrawalRequest | None:
    """The request awaiting confirmation for a page or a channel, if any."""
    requests = WithdrawalRequest.objects.filter(status=WithdrawalRequest.Status.PENDING)
    if isinstance(item, Page):
        return requests.filter(page_id=item.pk).first()
    if isinstance(item, ReportingChannel):
        return requests.filter(channel_id=item.pk).first()
    return None


def may_unpublish(user, item) -> bool:
    """Whether Wagtail would let `user` unpublish `item`: who may confirm a request."""
    if isinstance(item, Page):
        return item.permissions_for_user(user).can_unpublish()
    return user.has_perm("reporting.publish_reportingchannel")


def request_refusal(item, reason: str, include_descendants: bool) -> str | None:
    if not reason.strip():
        if isinstance(item, ReportingChannel):
            return "请填写撤回原因：举报渠道撤下后，公众需要知道原因和替代渠道。"
        return "请填写撤回原因：它将公开显示在原网址上。"
    if not isinstance(item, Page | ReportingChannel):
        return "该内容不能撤下。"
    if not item.live:
        return f"“{item}”不在公开网站上，无需撤回。"
    if existing := pending_request(item):
        return (
            f"“{item}”已有一项待确认的撤回申请（{get_user_display_name(existing.requested_by) or '已删除的用户'}，"
            f"{timezone.localtime(existing.requested_at):%Y-%m-%d %H:%M}），"
            "请由另一名审核人确认或驳回，不必重复提交。"
        )
    if isinstance(item, Page) and not include_descendants:
        # A live page below an unpublished one leaves the public site (cms/base/public.py):
        # without its own withdrawal it would vanish with no reason at its address.
        if count := item.get_descendants().live().count():
            return (
                f"《{item.title}》之下有{count}个已公开的页面，撤下它会使它们一并从公开网站消失："
                "请勾选“同时撤下子页面”，它们的原网址将显示同一撤回原因。"
            )
    return None


def request_withdrawal(item, reason: str, user, include_descendants=False) -> WithdrawalRequest:
    """Ask for `item` to be withdrawn; nothing public changes yet."""
    if refusal := request_refusal(item, reason, include_descendants):
        raise WithdrawalRefused(refusal)
    is_page = isinstance(item, Page)
    try:
        with transaction.atomic():
            request = WithdrawalRequest.objects.create(
                page=item if is_page else None,
                channel=None if is_page else item,
                title=item.title if is_page else str(item),
                include_descendants=bool(include_descendants) and is_page,
                reason=reason.strip(),
                requested_by=user,
            )
    except IntegrityError:  # another approver asked meanwhile (one pending per item)
        refusal = request_refusal(item, reason, include_descendants)
        raise WithdrawalRefused(refusal or "已有一项待确认的撤回申请，请勿重复提交。") from None
    log(
        item,
        "gongshi.withdrawal_requested",
        user=user,
        data={"request": request.pk, "reason": request.reason},
    )
    return request


def confirmation_refusal(request: WithdrawalRequest, user) -> str | None:
    if request.status != WithdrawalRequest.Status.PENDING:
        return f"这项撤回申请已{request.get_status_display()}，不能再次处理。"
    if request.requested_by_id == user.pk:
        return TWO_PERSONS
    item = request.item
    if not may_unpublish(user, item):
        return f"您没有撤下“{request.title}”的权限，不能确认这项撤回申请。"
    if not item.live:
        return f"“{request.title}”已不在公开网站上，无需确认；请驳回这项申请并说明情况。"
    if isinstance(item, Page) and (refusal := _below_refusal(request, item, user)):
        return refusal
    if item.last_published_at and item.last_published_at > request.requested_at:
        # What is confirmed is what the asker saw: not a later version, nor the item
        # published again after leaving the site some other way.
        return (
            f"“{request.title}”在撤回申请提交后又发布过新的版本，不能按原申请撤回："
            "请驳回这项申请，如仍需撤回，重新提交。"
        )
    return None


def _below_refusal(request: WithdrawalRequest, page: Page, user) -> str | None:
    """A section leaves the site with every page below it (cms/base/public.py): each live
    one must leave with its own withdrawal, which the confirmer may give."""
    live = page.get_descendants().live()
    if not request.include_descendants:
        if count := live.count():
            return (
                f"《{request.title}》之下现有{count}个已公开的页面，按这项申请撤下会使它们从公开网站"
                "消失而不留说明：请驳回这项申请，重新提交并勾选“同时撤下子页面”。"
            )
        return None
    if kept := [below for below in live if not may_unpublish(user, below)]:
        return (
            f"您没有撤下《{kept[0].title}》的权限，它会随《{request.title}》从公开网站消失而不留说明，"
            "不能确认这项申请；请由有权撤下全部子页面的审核人确认。"
        )
    return None


def _closed(request_id: int) -> WithdrawalRequest:
    # Locked: of two approvers deciding at once, the second finds it decided.
    return WithdrawalRequest.objects.select_for_update().get(pk=request_id)


def confirm_withdrawal(request: WithdrawalRequest, user) -> WithdrawalRequest:
    """The second approver's confirmation: the item leaves the public site with the
    reason asked for, and the names of both."""
    with transaction.atomic():
        request = _closed(request.pk)
        if refusal := confirmation_refusal(request, user):
            raise WithdrawalRefused(refusal)
        item = request.item
        names = {"requested_by": request.requested_by, "confirmed_by": user}
        if isinstance(item, Page):
            # The pages leaving the site with it, before they are no longer live.
            below = (
                list(item.get_descendants().live().specific())
                if request.include_descendants
                else []
            )
            UnpublishPageAction(
                item, user=user, include_descendants=request.include_descendants
            ).execute(skip_permission_checks=True)
            # Wagtail leaves live a page below that the confirmer may not unpublish.
            gone = set(
                Page.objects.filter(
                    pk__in=[item.pk, *(page.pk for page in below)], live=False
                ).values_list("pk", flat=True)
            )
            for page in [item, *below]:
                if page.pk in gone:
                    withdraw(page, request.reason, **names)
        else:
            UnpublishAction(item, user=user).execute(skip_permission_checks=True)
            log(
                item,
                "gongshi.channel_withdrawn",
                user=user,
                data={
                    "reason": request.reason,
                    "requested_by": str(request.requested_by or ""),
                    "confirmed_by": str(user),
                },
            )
        request.status = WithdrawalRequest.Status.CONFIRMED
        request.decided_by, request.decided_at = user, timezone.now()
        request.save()
        log(
            item,
            "gongshi.withdrawal_confirmed",
            user=user,
            data={"request": request.pk, "reason": request.reason},
        )
    return request


def rejection_refusal(request: WithdrawalRequest, user, reason: str) -> str | None:
    if request.status != WithdrawalRequest.Status.PENDING:
        return f"这项撤回申请已{request.get_status_display()}，不能再次处理。"
    # The one who asked may take the request back: the item stays live either way.
    if request.requested_by_id != user.pk and not may_unpublish(user, request.item):
        return f"您没有撤下“{request.title}”的权限，不能驳回这项撤回申请。"
    if not reason.strip():
        return "请填写驳回理由：它将记入操作日志。"
    return None


def reject_withdrawal(request: WithdrawalRequest, user, reason: str) -> WithdrawalRequest:
    """Keep the item live; why is kept in the audit log."""
    with transaction.atomic():
        request = _closed(request.pk)
        if refusal := rejection_refusal(request, user, reason):
            raise WithdrawalRefused(refusal)
        request.status = WithdrawalRequest.Status.REJECTED
        request.decided_by, request.decided_at = user, timezone.now()
        request.rejection_reason = reason.strip()
        request.save()
        log(
            request.item,
            "gongshi.withdrawal_rejected",
            user=user,
            data={
                "request": request.pk,
                "reason": request.reason,
                "rejection_reason": request.rejection_reason,
                "requested_by": str(request.requested_by or ""),
            },
        )
    return request
