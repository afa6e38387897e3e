"""Admin wiring of the public site: reasons for withdrawals, the build history, and what
the dashboard says about the last build."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.base.removal import HOW_TO_WITHDRAW, deletion_refusal

from .models import SiteBuild
from .withdrawals import REASON_FIELD, withdraw


@hooks.register("before_unpublish_page")
def require_withdrawal_reason(request, page):
    if request.method == "POST" and not request.POST.get(REASON_FIELD, "").strip():
        messages.error(request, "请填写撤回原因：它将公开显示在原网址上。")
        return redirect("wagtailadmin_pages:unpublish", page.pk)
    return None


@hooks.register("after_unpublish_page")
def record_withdrawal(request, page):
    reason = request.POST.get(REASON_FIELD, "")
    withdraw(page, reason, request.user)
    if request.POST.get("include_descendants"):
        for descendant in page.get_descendants().not_live().specific():
            withdraw(descendant, reason, request.user)


@hooks.register("before_bulk_action")
def refuse_bulk_unpublish(request, action_type, objects, action_class_instance):
    if action_type == "unpublish":
        messages.error(request, "撤下须逐条填写公开的撤回原因，不能批量撤下。")
        return redirect(request.GET.get("next") or "wagtailadmin_explore_root")
    return None


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


@hooks.register("construct_homepage_panels")
def add_last_build_panel(request, panels):
    panels.append(LastBuildPanel())
