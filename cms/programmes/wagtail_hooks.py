"""The programmes in the admin: their page explorer, and who may set them up."""

from django.http import HttpResponseForbidden
from wagtail import hooks
from wagtail.admin.viewsets.pages import PageViewSet

from cms.base.roles import ADMINISTRATORS, in_group

from .models import ProgrammeIndexPage, ProgrammePage


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


def _is_administrator(user) -> bool:
    return user.is_superuser or in_group(user, ADMINISTRATORS)


def _is_programme_setting(page_class) -> bool:
    return issubclass(page_class, ProgrammePage | ProgrammeIndexPage)


PROGRAMMES_ARE_ADMINISTRATORS_ONLY = "奖项设置只能由管理员新建或修改。".encode()


@hooks.register("before_create_page")
def only_administrators_create_programmes(request, parent_page, page_class):
    if _is_programme_setting(page_class) and not _is_administrator(request.user):
        return HttpResponseForbidden(PROGRAMMES_ARE_ADMINISTRATORS_ONLY)
    return None


@hooks.register("before_edit_page")
def only_administrators_edit_programmes(request, page):
    if _is_programme_setting(page.specific_class) and not _is_administrator(request.user):
        return HttpResponseForbidden(PROGRAMMES_ARE_ADMINISTRATORS_ONLY)
    return None
