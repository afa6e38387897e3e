"""Admin wiring of the public site: withdrawals asked for by one approver and confirmed by
another, with a public reason; the build history; and what the dashboard says about the
last build and the withdrawals awaiting confirmation."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.base.removal import HOW_TO_WITHDRAW, deletion_refusal, move_refusal

from . import withdrawal_views
from .models import SiteBuild, WithdrawalRequest
from .withdrawal_requests import (
    SUBMITTED,
    WithdrawalRefused,
    pending_request,
    request_withdrawal,
)
from .withdrawals import REASON_FIELD


def _ask_for_withdrawal(request, item, back_to):
    """The first approver's unpublish asks; nothing leaves the site until a second
    approver confirms (withdrawal_requests.py). Whoever asks, the superuser too."""
    if request.method != "POST":
        return None
    try:
        request_withdrawal(
            item,
            request.POST.get(REASON_FIELD, ""),
            request.user,
            include_descendants=bool(request.POST.get("include_descendants")),
        )
    except WithdrawalRefused as refused:
        messages.error(request, str(refused))
        return redirect(request.get_full_path())  # back to the form, to put it right
    messages.success(request, SUBMITTED)
    return redirect(back_to)


@hooks.register("before_unpublish_page")
def request_page_withdrawal(request, page):
    return _ask_for_withdrawal(request, page, reverse("wagtailadmin_pages:edit", args=(page.pk,)))


@hooks.register("before_unpublish")
def request_snippet_withdrawal(request, instance):
    edit_url = AdminURLFinder(request.user).get_edit_url(instance)
    return _ask_for_withdrawal(request, instance, edit_url or reverse("withdrawal_requests"))


@hooks.register("before_bulk_action")
def refuse_bulk_unpublish(request, action_type, objects, action_class_instance):
    if action_type == "unpublish":
        messages.error(
            request,
            "撤下须逐条提交撤回申请并填写公开的撤回原因，经另一名审核人确认，不能批量撤下。",
        )
        return redirect(request.GET.get("next") or "wagtailadmin_explore_root")
    return None


def _say_withdrawal_pending(request, item):
    if request.method == "GET" and (pending := pending_request(item)):
        messages.warning(
            request,
            f"“{pending.title}”有一项待确认的撤回申请（{get_user_display_name(pending.requested_by) or '已删除的用户'}，"
            f"{timezone.localtime(pending.requested_at):%Y-%m-%d %H:%M}，"
            f"原因：{pending.reason}）。另一名审核人确认前它仍在公开网站上；"
            "请在“待确认撤回”中确认或驳回。",
        )


@hooks.register("before_edit_page")
def say_page_withdrawal_pending(request, page):
    _say_withdrawal_pending(request, page)


@hooks.register("before_edit_snippet")
def say_snippet_withdrawal_pending(request, instance):
    _say_withdrawal_pending(request, instance)


@hooks.register("register_admin_urls")
def register_withdrawal_urls():
    return [
        path("withdrawals/", withdrawal_views.index, name="withdrawal_requests"),
        path(
            "withdrawals/<int:pk>/confirm/",
            withdrawal_views.confirm,
            name="withdrawal_request_confirm",
        ),
        path(
            "withdrawals/<int:pk>/reject/",
            withdrawal_views.reject,
            name="withdrawal_request_reject",
        ),
    ]


class WithdrawalsMenuItem(MenuItem):
    def is_shown(self, request):
        return withdrawal_views.may_see(request.user)


@hooks.register("register_admin_menu_item")
def register_withdrawals_menu_item():
    return WithdrawalsMenuItem(
        _("待确认撤回"), reverse("withdrawal_requests"), icon_name="warning", order=890
    )


@hooks.register("register_log_actions")
def register_withdrawal_log_actions(actions):
    actions.register_action("gongshi.withdrawal_requested", _("申请撤回"), _("提交撤回申请"))
    actions.register_action("gongshi.withdrawal_confirmed", _("确认撤回"), _("确认撤回申请"))
    actions.register_action("gongshi.withdrawal_rejected", _("驳回撤回"), _("驳回撤回申请"))


@hooks.register("before_delete_page")
def refuse_deleting_public_pages(request, page):
    """Asked (GET) or confirmed (POST), the delete of a page with anything public at or
    below it is refused with the way to withdraw it (removal.py)."""
    if refusal := deletion_refusal(page):
        messages.error(request, refusal)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def _deletion_refusal(item) -> str | None:
    if isinstance(item, Page):
        return deletion_refusal(item)
    if getattr(item, "live", False) and hasattr(item, "latest_revision"):  # a live snippet
        return f"“{item}”已公开发布，不能删除。{HOW_TO_WITHDRAW}"
    return None


@hooks.register("before_delete_snippet")
def refuse_deleting_live_snippets(request, instances):
    refusals = [refusal for item in instances if (refusal := _deletion_refusal(item))]
    if refusals:
        messages.error(request, refusals[0])
        edit_url = AdminURLFinder(request.user).get_edit_url(instances[0])
        return redirect(edit_url or "wagtailadmin_home")
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_public_pages(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    refusals = [refusal for item in objects if (refusal := _deletion_refusal(item))]
    if refusals:
        messages.error(request, refusals[0])
        return redirect(request.GET.get("next") or "wagtailadmin_explore_root")
    return None


@hooks.register("before_move_page")
def refuse_moves_that_hide_public_pages(request, page, destination):
    """Asked (GET) or confirmed (POST), a move that would put public content below a
    section that is not public is refused with what to do instead (removal.py)."""
    if refusal := move_refusal(page, destination):
        messages.error(request, refusal)
        return redirect("wagtailadmin_pages:move", page.pk)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_moves_that_hide_public_pages(request, action_type, objects, action_class_instance):
    if action_type != "move":
        return None
    destination = action_class_instance.cleaned_form.cleaned_data["chooser"]
    refusals = [refusal for page in objects if (refusal := move_refusal(page, destination))]
    if refusals:
        messages.error(request, refusals[0])
        return redirect(request.GET.get("next") or "wagtailadmin_explore_root")
    return None


class BuildHistoryPolicy(ModelPermissionPolicy):
    """Every CMS user may read the build history; nobody edits it: the worker writes it."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.has_perm("wagtailadmin.access_admin")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(SiteBuild, BuildHistoryPolicy(SiteBuild))


class SiteBuildViewSet(ModelViewSet):
    model = SiteBuild
    icon = "globe"
    menu_label = _("站点构建")
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = [
        "__str__",  # number and status, linking to the build's details
        "trigger_summary",
        "requested_at",
        "started_at",
        Column("duration_text", label=_("用时")),
        Column("error_summary", label=_("错误")),
    ]
    list_filter = ["status"]
    form_fields = ["triggers"]  # required by ModelViewSet; the policy allows no editing
    inspect_view_fields = [
        "status",
        "triggers",
        "requested_at",
        "started_at",
        "finished_at",
        "item_count",
        "output",
        "error",
    ]


class LastBuildPanel(Component):
    """The home dashboard's word on the public site: built, building, or broken."""

    name = "last_build"
    order = 50

    def render_html(self, parent_context):
        # A build still "running" well past the build timeout has lost its worker.
        stalled_since = timezone.now() - timedelta(seconds=2 * settings.GONGSHI_BUILD_TIMEOUT)
        return render_to_string(
            "publishing/last_build_panel.html",
            {
                "last": SiteBuild.objects.exclude(status=SiteBuild.Status.QUEUED).first(),
                "last_good": SiteBuild.objects.filter(status=SiteBuild.Status.SUCCEEDED).first(),
                "pending": SiteBuild.objects.filter(
                    status__in=[SiteBuild.Status.QUEUED, SiteBuild.Status.RUNNING]
                ).count(),
                "stalled": SiteBuild.objects.filter(
                    status=SiteBuild.Status.RUNNING, started_at__lt=stalled_since
                )
                .order_by("started_at")
                .first(),
            },
        )


@hooks.register("register_admin_viewset")
def register_site_builds():
    return SiteBuildViewSet("site_builds")


class PendingWithdrawalsPanel(Component):
    """The withdrawals awaiting a second approver, for those who may see them."""

    name = "pending_withdrawals"
    order = 40

    def __init__(self, pending):
        self.pending = pending

    def render_html(self, parent_context):
        return render_to_string(
            "publishing/pending_withdrawals_panel.html",
            {"pending": self.pending[:5], "count": len(self.pending)},
        )


@hooks.register("construct_homepage_panels")
def add_last_build_panel(request, panels):
    panels.append(LastBuildPanel())
    if withdrawal_views.may_see(request.user):
        pending = list(
            WithdrawalRequest.objects.filter(status=WithdrawalRequest.Status.PENDING)
            .select_related("requested_by")
            .order_by("requested_at")
        )
        if pending:
            panels.append(PendingWithdrawalsPanel(pending))
