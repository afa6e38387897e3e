"""The public read API: published, public content only, as the static site builder reads it."""

from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError as BadRequest
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.models import Page

from cms.reporting.models import ReportingChannel


class IdsFirstPagination(WagtailPagination):
    """Wagtail's pagination, choosing a page's ids before reading its rows: sorting and
    skipping tens of thousands of full rows (bodies included) to keep the last hundred
    took longer than reading the hundred rows by id after sorting only ids."""

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if not isinstance(queryset, QuerySet):
            return page  # search results, ranked by the search backend
        ids = list(page.values_list("pk", flat=True))
        # By id alone: the ids are the filtered listing's; filtering again only gives the
        # database a plan to get wrong (PostgreSQL scanned every page for a hundred ids).
        rows = queryset.model._default_manager.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint: live pages outside private sections, and (as the export)
    not below an unpublished page; one page type is listed from its own table."""

    pagination_class = IdsFirstPagination

    def get_base_queryset(self):
        return self._public(Page)

    def get_queryset(self):
        try:
            models = page_models_from_string(self.request.GET.get("type") or "")
        except (LookupError, ValueError):
            models = ()  # Wagtail's own answer: an empty or unknown type
        if len(models) == 1:
            # Filtered on the type's own table joined to the page table, not through a
            # list of every public page's id: the database then walks the pages in order.
            return self._public(models[0])
        return super().get_queryset()

    def _public(self, model):
        try:
            pages = get_public_pages_queryset(self.request, model=model)
        except ValueError as error:
            raise BadRequestError(str(error)) from error
        for path in self._unpublished_sections:
            pages = pages.exclude(path__startswith=path)
        return pages

    @cached_property
    def _unpublished_sections(self) -> list[str]:
        """The paths of the unpublished pages with pages below them (once per request)."""
        hidden = Page.objects.filter(live=False, depth__gt=1, numchild__gt=0)
        return list(hidden.values_list("path", flat=True))


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
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("reporting-channels", ReportingChannelsAPIViewSet)
