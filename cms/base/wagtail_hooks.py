"""Admin wiring: snippets, audit-log actions, the rule that only the workflow publishes, and
documents outside the attachment allow-list kept from the public."""

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from gongshi.contract import attachments

from . import dashboard, guide
from .models import CalendarYear

PUBLISH_ACTIONS = {"action-publish"}


class CalendarYearViewSet(SnippetViewSet):
    """设置 › 工作日历, kept by 管理员 (roles.py)."""

    model = CalendarYear
    icon = "date"
    menu_label = _("工作日历")
    add_to_settings_menu = True
    list_display = ["year", "source_title", "source_number", "source_date", "state"]


register_snippet(CalendarYearViewSet)


@hooks.register("register_log_actions")
def register_gongshi_log_actions(actions):
    actions.register_action("gongshi.revoke_award", _("撤销奖项"), _("撤销奖项"))
    actions.register_action("gongshi.major_change", _("重大更正"), _("发布重大更正"))
    actions.register_action("gongshi.minor_change", _("一般修改"), _("发布一般修改"))
    actions.register_action(
        "gongshi.late_publication", _("逾期公开"), _("成文后超过20个工作日才公开（已记录）")
    )
    actions.register_action(
        "gongshi.calendar_replaced", _("替换工作日历"), _("确认以录入数据替换该年日历")
    )
    actions.register_action(
        "gongshi.expiry_cancelled", _("到期时间已取消"), _("本站不设到期下线，到期时间已取消")
    )
    actions.register_action(
        "gongshi.schedule_refused", _("定时发布被拒绝"), _("定时发布时公示开始日期已过，未发布")
    )


def _without_direct_publish(menu_items, request, context):
    menu_items[:] = [item for item in menu_items if item.name not in PUBLISH_ACTIONS]


# Publishing happens only when the last approval step passes; the menu does not offer a
# shortcut, and a crafted request for one is refused below.
hooks.register("construct_page_action_menu", _without_direct_publish)
hooks.register("construct_snippet_action_menu", _without_direct_publish)


def _refuse_direct_publish(request, *args, **kwargs):
    if request.method == "POST" and PUBLISH_ACTIONS & set(request.POST):
        return HttpResponseForbidden("发布须经审核流程，不能直接发布。".encode())
    return None


@hooks.register("before_copy_page")
def copies_are_drafts(request, page):
    """A copy is a new draft that goes through the workflow, whoever asks (the superuser
    too): "publish copies" is dropped before the copy form reads it. An alias mirrors a
    live page live, with no approval of its own: refused."""
    if request.method != "POST":
        return None
    if request.POST.get("alias"):
        return HttpResponseForbidden("复制的页面须作为草稿经审核后发布，不能创建别名。".encode())
    if "publish_copies" in request.POST:
        request.POST = request.POST.copy()
        del request.POST["publish_copies"]
        messages.info(request, "复制的页面已保存为草稿，须经审核流程后发布。")
    return None


class ReadOnlyPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The admin's own page API (the explorer reads it) without its actions: publish,
    unpublish, delete, copy (live by default), move and revert there would bypass the
    workflow and the withdrawal's public reason."""

    actions = {}


@hooks.register("construct_admin_api")
def admin_api_reads_only(router):
    router.register_endpoint("pages", ReadOnlyPagesAdminAPIViewSet)


for _hook in (
    "before_create_page",
    "before_edit_page",
    "before_create_snippet",
    "before_edit_snippet",
):
    hooks.register(_hook, _refuse_direct_publish)


@hooks.register("before_bulk_action")
def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    if action_type == "publish":
        return HttpResponseForbidden("发布须经审核流程，不能批量直接发布。".encode())
    return None


@hooks.register("before_serve_document")
def serve_only_allowed_documents(document, request):
    """The CMS serves documents at /documents/ (on the public origin, for remote builds)
    as downloads; one outside the attachment allow-list (stored before it, ADR 23) only
    to the staff, who may need it to replace it."""
    user = request.user
    if user.is_authenticated and user.has_perm("wagtailadmin.access_admin"):
        return None
    with document.open_file() as file:
        if attachments.is_allowed(document.file.name, file):
            return None
    return HttpResponseForbidden(
        "此文件的类型不在允许公开的附件之列，不予提供。".encode(),
        content_type="text/plain; charset=utf-8",
    )


# --- 帮助: the platform's own guide, not Wagtail's English guide and release notes ---------

WAGTAIL_HELP_ITEMS = {"editor-guide"}


@hooks.register("register_admin_urls")
def register_guide_urls():
    return [
        path("guide/", guide.guide, name="gongshi_editor_guide"),
        path("guide/editor-guide/<str:name>", guide.guide_image, name="gongshi_editor_guide_image"),
    ]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem(_("编辑指南"), reverse("gongshi_editor_guide"), icon_name="help", order=1000)


@hooks.register("construct_help_menu")
def keep_only_our_help(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in WAGTAIL_HELP_ITEMS and not item.name.startswith("whats-new-in-wagtail")
    ]


hooks.register("construct_homepage_panels", dashboard.add_panels)


@hooks.register("insert_editor_js")
def accessible_names_js():
    """A name for the rich-text editor's editable area (axe-core)."""
    return format_html('<script src="{}" defer></script>', static("base/admin_names.js"))
