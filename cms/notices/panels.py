from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from cms.base import publication


class PeriodOutlookPanel(Panel):
    """What approving the notice as last saved would do now: shown to the editor and to
    the approver on the edit page, as the approval dialog shows it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("如果今天批准"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "notices/period_outlook_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            moment = publication.going_live_moment(page)
            context["moment"] = moment
            context["refusal"] = publication.refusal(page, moment) if page.pk else None
            context["notes"] = publication.outlook(page, moment) if page.pk else []
            return context
