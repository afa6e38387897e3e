"""The public read API: published, public content only, as the static site builder reads it.

"Public" is cms/base/public.py's rule, the export's: a view restriction hides a page from
everyone here, whoever is signed in. A query no link makes is answered 400 with a message
in Chinese, never 500.
"""

from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError as BadRequest
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.models import Page

from cms.base.public import hidden_sections, public_pages
from cms.programmes.models import ProgrammePage
from cms.reporting.models import ReportingChannel

# The largest id a row may have (a 32-bit signed integer column), the largest offset.
LARGEST_ID = 2**31 - 1
SEARCH_OPERATORS = ("and", "or")


def _bad(message: str):
    raise BadRequestError(message)


def check_query(params) -> None:
    """Refuse, in Chinese, the query parameters the API's own parsers would take badly."""
    for name in ("offset", "limit"):
        value = params.get(name)
        if value is not None and not (value.isascii() and value.isdigit() and len(value) <= 9):
            _bad(f"参数 {name} 应为不大于 999999999 的非负整数。")
    if params.get("search_operator") not in (None, *SEARCH_OPERATORS):
        _bad("参数 search_operator 只能是 and 或 or。")
    for name, value in params.items():
        if "\x00" in name or "\x00" in value:
            _bad("查询参数中含有空字符（\\0），请删除后重试。")


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

    def listing_view(self, request):
        check_query(request.GET)
        return super().listing_view(request)

    def detail_view(self, request, pk):
        check_query(request.GET)
        return super().detail_view(request, pk)

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
            # Wagtail's: live, in the requested site, restricted pages hidden unless the
            # request passes the restriction; then the shared rule, which hides them and
            # every page below an unpublished one from everyone.
            pages = get_public_pages_queryset(self.request, model=model)
        except ValueError as error:
            raise BadRequestError(str(error)) from error
        hidden = self._hidden
        return pages.exclude(hidden) if hidden else pages

    @cached_property
    def _hidden(self):
        """cms.base.public's hidden sections (read once per request)."""
        return hidden_sections()


class ReportingChannelsAPIViewSet(BaseAPIViewSet):
    """Live reporting channels; a draft or a revision awaiting approval is never served."""

    model = ReportingChannel
    body_fields = [*BaseAPIViewSet.body_fields, *[f.name for f in ReportingChannel.api_fields]]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "name", "programme"]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(["programme"])

    def listing_view(self, request):
        check_query(request.GET)
        return super().listing_view(request)

    def get_queryset(self):
        """Live channels of public programmes, as the export lists them."""
        channels = ReportingChannel.objects.filter(
            live=True, programme__in=public_pages(ProgrammePage).values("pk")
        ).order_by("pk")
        programme = self.request.GET.get("programme")
        if programme is not None:
            if not (programme.isascii() and programme.isdigit()) or int(programme) > LARGEST_ID:
                raise BadRequest({"programme": "奖项编号应为数字，且不超过10位。"})
            channels = channels.filter(programme_id=int(programme))
        return channels


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("reporting-channels", ReportingChannelsAPIViewSet)
