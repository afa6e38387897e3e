"""The supervision group's inbox in the Wagtail admin.

Open to members of the 监督组 group only: not to administrators, not to superusers (who
pass every permission check in Django, hence a membership check here rather than a
permission). The group key is the real barrier: without the passphrase a member sees
only the plaintext routing metadata, and so would anyone reading the database.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from cms.base.roles import SUPERVISORS
from gongshi.rules.errors import RuleViolation

from . import cases, keyring, rules
from .models import Case, DeclaredConflict, Evidence


def is_member(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.groups.filter(name=SUPERVISORS).exists()
    )


def members_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_member(request.user):
            raise PermissionDenied("只有监督组成员可以查看举报案件。")
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


def group_members():
    return get_user_model().objects.filter(groups__name=SUPERVISORS, is_active=True).order_by("pk")


@members_only
def inbox(request):
    state = request.GET.get("state", "open")
    queryset = Case.objects.select_related("programme", "notice", "handler")
    if state == "open":
        queryset = queryset.exclude(state=Case.State.CONCLUDED)
    elif state in Case.State.values:
        queryset = queryset.filter(state=state)
    calendar = cases.deadline_calendar()
    today = timezone.localdate()
    rows = [
        {
            "case": case,
            "pending": case.pending_deadline(),
            "urgency": cases.urgency_of(case, today, calendar),
        }
        for case in queryset
    ]
    return TemplateResponse(
        request,
        "supervision/admin/inbox.html",
        {
            "rows": rows,
            "state": state,
            "states": Case.State.choices,
            "unlocked": bool(keyring.private_keys(request)),
            "minutes_left": keyring.seconds_left(request) // 60,
        },
    )


@members_only
@sensitive_post_parameters("passphrase")
@require_POST
def unlock(request):
    target = request.POST.get("next") or reverse("supervision:inbox")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("supervision:inbox")
    response = redirect(target)
    if keyring.unlock(request, response, request.POST.get("passphrase", "")):
        messages.success(request, "已解锁。解锁在30分钟后或退出登录时失效。")
        return response
    messages.error(request, "口令不正确，未能解锁。")
    return redirect(target)


@members_only
@require_POST
def lock(request):
    response = redirect("supervision:inbox")
    keyring.lock(request, response)
    messages.success(request, "已锁定：本浏览器不再保存解锁的密钥。")
    return response


@members_only
def case_detail(request, pk):
    case = get_object_or_404(
        Case.objects.select_related("programme", "notice", "handler", "key"), pk=pk
    )
    private_keys = keyring.private_keys(request)
    if case.key_id not in private_keys:
        return TemplateResponse(
            request,
            "supervision/admin/locked.html",
            {"case": case, "next": request.get_full_path()},
        )
    try:
        opened = cases.open_case(case, private_keys, request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
        return redirect("supervision:inbox")

    identity = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "identity":
                identity = cases.read_identity(case, private_keys, request.user)
            else:
                _act(request, opened, private_keys, action)
                return redirect("supervision:case", pk=case.pk)
        except RuleViolation as refusal:
            messages.error(request, refusal.message)
            return redirect("supervision:case", pk=case.pk)
        except (ValueError, TypeError):
            messages.error(request, "请填写正确的数字。")
            return redirect("supervision:case", pk=case.pk)

    return TemplateResponse(
        request,
        "supervision/admin/case.html",
        {
            "opened": opened,
            "case": case,
            "identity": identity,
            "next_states": rules.TRANSITIONS[case.state],
            "outcomes": Case.Outcome.choices,
            "members": group_members(),
            "accesses": case.accesses.select_related("user")[:50],
            "max_extension": rules.MAX_EXTENSION_WORKING_DAYS,
            "urgency": cases.urgency_of(case, timezone.localdate(), cases.deadline_calendar()),
            "follow_up": _follow_up_links(request, case),
        },
    )


def _act(request, opened, private_keys, action: str) -> None:
    case, user, data = opened.case, request.user, request.POST
    if action in (rules.ACKNOWLEDGED, rules.INVESTIGATING):
        cases.move(case, action, user)
        messages.success(request, f"案件已转为“{Case.State(action).label}”。")
    elif action == "conclude":
        cases.conclude(case, private_keys, user, data.get("outcome", ""), data.get("message", ""))
        messages.success(request, "案件已办结，处理结果已加密发送给举报人。")
    elif action == "ask":
        cases.ask(case, private_keys, user, data.get("text", ""))
        messages.success(request, "问题已加密发送，举报人凭回执码查看和答复。")
    elif action == "extend":
        extension = cases.extend(
            case, user, int(data.get("working_days", "0")), data.get("justification", "")
        )
        messages.success(request, f"办结期限已延至{extension.new_due:%Y-%m-%d}。")
    elif action == "assign":
        handler = group_members().filter(pk=int(data.get("handler", "0"))).first()
        if handler is None:
            raise RuleViolation("请选择监督组成员作为承办人。")
        cases.assign(opened, handler, user)
        messages.success(request, "已指定承办人。")
    elif action in ("notify_correction", "notify_revocation"):
        cases.ask_editors_to_follow_up(case, user, action == "notify_revocation")
        messages.success(request, "已通知编辑按正常审核流程办理（通知中不含举报内容）。")
    else:
        raise RuleViolation("未知的操作。")


def _follow_up_links(request, case) -> dict:
    """Where an upheld case leads: the notice's edit page (a major correction) or a new
    draft revocation; both go through the normal approval workflow."""
    if case.outcome != Case.Outcome.UPHELD:
        return {}
    links = {
        "revocation": reverse(
            "wagtailadmin_pages:add", args=("revocations", "revocationpage", case.programme_id)
        )
    }
    if case.notice_id:
        links["correction"] = reverse("wagtailadmin_pages:edit", args=(case.notice_id,))
    return links


@members_only
def evidence_file(request, pk, evidence_pk):
    evidence = get_object_or_404(
        Evidence.objects.select_related("case", "case__key"), pk=evidence_pk, case_id=pk
    )
    private_keys = keyring.private_keys(request)
    try:
        cases.open_case(evidence.case, private_keys, request.user)  # recusal applies here too
        item = cases.read_evidence(evidence, private_keys, request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
        return redirect("supervision:case", pk=pk)
    response = HttpResponse(item.content, content_type=item.content_type)
    disposition = "inline" if request.GET.get("view") else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"evidence-{evidence.position}\"; filename*=UTF-8''{_quote(item.name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@members_only
def conflicts(request):
    """A member's own declarations of interest (第三十二条)."""
    if request.method == "POST":
        if remove := request.POST.get("remove"):
            DeclaredConflict.objects.filter(handler=request.user, pk=remove).delete()
            messages.success(request, "已删除该项声明。")
        else:
            organisation = request.POST.get("organisation", "").strip()
            if not organisation:
                messages.error(request, "请填写单位名称或统一社会信用代码。")
            else:
                try:
                    with transaction.atomic():
                        DeclaredConflict.objects.create(
                            handler=request.user,
                            organisation=organisation[:200],
                            reason=request.POST.get("reason", "").strip()[:200],
                        )
                    messages.success(request, "已登记回避声明。")
                except IntegrityError:
                    messages.error(request, "该单位已在您的回避声明中。")
        return redirect("supervision:conflicts")
    return TemplateResponse(
        request,
        "supervision/admin/conflicts.html",
        {
            "declared": DeclaredConflict.objects.filter(handler=request.user),
            "article": rules.RECUSAL_ARTICLE,
        },
    )
