"""The admin's scheduling dialog without an expiry: nothing public on this site expires
(cms/base/removal.py, docs/adr/0036-no-expiry-moves-keep-public.md). Wagtail's
PublishingPanel offers a go-live time and an expiry; this one offers the go-live time and
says why there is no expiry."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PublishingPanel
from wagtail.admin.widgets.datetime import AdminDateTimeInput
from wagtail.models import Page

NO_EXPIRY_HELP = _(
    "经审核批准后，到此时间自动发布。本站不设到期下线：已公开的内容不会到期消失，"
    "确需撤下的须经两名审核人撤回，并在原网址公开撤回原因。"
)


class GoLivePanel(PublishingPanel):
    """Wagtail's scheduling dialog with the go-live time only."""

    def __init__(self, **kwargs):
        in_dialog = AdminDateTimeInput(
            js_overlay_parent_selector="#schedule-publishing-dialog",
            attrs={
                "data-controller": "w-action",
                "data-action": "w-dialog:hidden->w-action#reset",
                "data-w-dialog-target": "notify",
            },
        )
        kwargs.setdefault(
            "children", [FieldPanel("go_live_at", widget=in_dialog, help_text=NO_EXPIRY_HELP)]
        )
        super().__init__(**kwargs)

    class BoundPanel(PublishingPanel.BoundPanel):
        template_name = "base/panels/go_live_panel.html"


# A page's 设置 tab: the scheduling dialog, then Wagtail's own (comments, when enabled).
PAGE_SETTINGS_PANELS = [GoLivePanel(), *Page.settings_panels[1:]]
