from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, UnpublishView

from .models import ReportingChannel

REASON_FIELD = "withdrawal_reason"


class ChannelUnpublishView(UnpublishView):
    """A channel leaves the public site as a page does: with a reason given, which the
    audit log keeps (docs/adr/0026-live-items-leave-only-through-withdrawal.md)."""

    def post(self, request, *args, **kwargs):
        reason = request.POST.get(REASON_FIELD, "").strip()
        if not reason:
            messages.error(request, "请填写撤回原因：举报渠道撤下后，公众需要知道原因和替代渠道。")
            return redirect(self.get_unpublish_url())
        response = super().post(request, *args, **kwargs)
        log(self.object, "gongshi.channel_withdrawn", user=request.user, data={"reason": reason})
        return response


class ReportingChannelViewSet(SnippetViewSet):
    model = ReportingChannel
    icon = "mail"
    menu_label = _("举报渠道")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "programme", "phone", "email"]
    list_filter = ["programme"]
    unpublish_view_class = ChannelUnpublishView


register_snippet(ReportingChannelViewSet)


@hooks.register("register_log_actions")
def register_channel_log_actions(actions):
    actions.register_action("gongshi.channel_withdrawn", _("撤回举报渠道"), _("撤回举报渠道"))
