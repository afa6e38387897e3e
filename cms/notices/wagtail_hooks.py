"""Admin wiring of notices: the period preview the edit form asks as the editor types, and
the notices in publicity on an editor's dashboard."""

from django.urls import path
from wagtail import hooks

from cms.base.dashboard import EDITOR_DASHBOARD_HOOK

from .models import PublicityNoticePage
from .period_preview import period_preview


@hooks.register(EDITOR_DASHBOARD_HOOK)
def notices_in_publicity(user, today) -> dict:
    live = PublicityNoticePage.objects.live()
    in_publicity = live.filter(start_date__lte=today, end_date__gte=today).order_by("end_date")
    return {"in_publicity": in_publicity}


@hooks.register("register_admin_urls")
def register_period_preview_url():
    return [path("notices/period/", period_preview, name="gongshi_period_preview")]
