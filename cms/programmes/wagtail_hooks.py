"""The programmes in the admin's page explorer."""

from wagtail import hooks
from wagtail.admin.viewsets.pages import PageViewSet

from .models import ProgrammePage


class ProgrammePageViewSet(PageViewSet):
    """Programme pages as Wagtail edits them; the explorer of the programme index (a
    province has hundreds of programmes) lists them 20 at a time, as Wagtail's other
    listings do, instead of 50: each row renders its title, status and nine actions,
    which costs more than reading the rows (docs/adr/0016-cms-at-national-scale.md)."""

    model = ProgrammePage
    list_per_page = 20


@hooks.register("register_admin_viewset")
def register_programme_page_viewset():
    return ProgrammePageViewSet()
