"""A channel leaves the public site as a page does: one approver asks, with a reason,
another confirms (cms/publishing/withdrawal_requests.py, ADR 0035); the audit log keeps
the reason (`gongshi.channel_withdrawn`). Its unpublish form asks for the reason
(templates/wagtailsnippets/snippets/reporting/reportingchannel/unpublish.html)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ReportingChannel


class ReportingChannelViewSet(SnippetViewSet):
    model = ReportingChannel
    icon = "mail"
    menu_label = _("举报渠道")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "programme", "phone", "email"]
    list_filter = ["programme"]


register_snippet(ReportingChannelViewSet)


@hooks.register("register_log_actions")
def register_channel_log_actions(actions):
    actions.register_action("gongshi.channel_withdrawn", _("撤回举报渠道"), _("撤回举报渠道"))
