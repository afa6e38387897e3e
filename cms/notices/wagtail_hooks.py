"""Admin wiring of notices: the period preview the edit form asks as the editor types."""

from django.urls import path
from wagtail import hooks

from .period_preview import period_preview


@hooks.register("register_admin_urls")
def register_period_preview_url():
    return [path("notices/period/", period_preview, name="gongshi_period_preview")]
