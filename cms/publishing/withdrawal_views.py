"""The admin's 待确认撤回 page: withdrawals asked for, confirmed or rejected there by a
second approver (withdrawal_requests.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin.admin_url_finder import AdminURLFinder

from .models import WithdrawalRequest
from .withdrawal_requests import (
    WithdrawalRefused,
    confirm_withdrawal,
    confirmation_refusal,
    reject_withdrawal,
    rejection_refusal,
)

VIEW_PERMISSION = "publishing.view_withdrawalrequest"
RECENT = 20


def may_see(user) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def _rows(requests, user):
    finder = AdminURLFinder(user)
    for request in requests:
        item = request.item
        yield {
            "request": request,
            "edit_url": finder.get_edit_url(item),
            "live_url": item.get_url() if request.page_id and item.live else None,
            "may_confirm": confirmation_refusal(request, user) is None,
            "may_reject": rejection_refusal(request, user, "-") is None,
            "own": request.requested_by_id == user.pk,
        }


def index(request):
    if not may_see(request.user):
        raise PermissionDenied
    requests = WithdrawalRequest.objects.select_related("requested_by", "decided_by")
    pending = requests.filter(status=WithdrawalRequest.Status.PENDING).order_by("requested_at")
    decided = requests.exclude(status=WithdrawalRequest.Status.PENDING)[:RECENT]
    return TemplateResponse(
        request,
        "publishing/withdrawal_requests.html",
        {
            "page_title": "待确认撤回",
            "header_title": "待确认撤回",
            "header_icon": "warning",
            "pending": list(_rows(pending, request.user)),
            "decided": decided,
        },
    )


@require_POST
def confirm(request, pk):
    withdrawal = get_object_or_404(WithdrawalRequest, pk=pk)
    try:
        confirm_withdrawal(withdrawal, request.user)
    except WithdrawalRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"已确认撤回“{withdrawal.title}”：它将在下一次构建后离开公开网站，原网址显示撤回原因。",
        )
    return redirect(reverse("withdrawal_requests"))


@require_POST
def reject(request, pk):
    withdrawal = get_object_or_404(WithdrawalRequest, pk=pk)
    try:
        reject_withdrawal(withdrawal, request.user, request.POST.get("rejection_reason", ""))
    except WithdrawalRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已驳回撤回“{withdrawal.title}”的申请，该内容仍公开。")
    return redirect(reverse("withdrawal_requests"))
