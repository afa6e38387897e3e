from django.utils.translation import gettext_lazy as _
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
