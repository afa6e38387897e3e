"""The public read API: published, public content only, as the static site builder reads it."""

from rest_framework.exceptions import ValidationError as BadRequest
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet

from cms.reporting.models import ReportingChannel


class ReportingChannelsAPIViewSet(BaseAPIViewSet):
    """Live reporting channels; a draft or a revision awaiting approval is never served."""

    model = ReportingChannel
    body_fields = [*BaseAPIViewSet.body_fields, *[f.name for f in ReportingChannel.api_fields]]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "name", "programme"]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(["programme"])

    def get_queryset(self):
        channels = ReportingChannel.objects.filter(live=True).order_by("pk")
        programme = self.request.GET.get("programme")
        if programme is not None:
            if not programme.isdigit():
                raise BadRequest({"programme": "奖项编号应为数字。"})
            channels = channels.filter(programme_id=int(programme))
        return channels


api_router = WagtailAPIRouter("wagtailapi")
# Wagtail's pages endpoint serves only live pages in public (not private) sections.
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("reporting-channels", ReportingChannelsAPIViewSet)
