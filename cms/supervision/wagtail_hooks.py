"""Admin wiring of the supervision group's inbox: its URLs, a menu item only members
see, and a dashboard panel of deadlines (metadata only)."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms.base.dashboard import EDITOR_DASHBOARD_HOOK
from cms.notices.models import PublicityNoticePage

from . import admin_urls, cases
from .inbox import is_member
from .models import Case


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [path("supervision/", include(admin_urls, namespace="supervision"))]


class MembersOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return is_member(request.user)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return MembersOnlyMenuItem(
        "举报案件", reverse("supervision:inbox"), icon_name="lock", order=310
    )


class DeadlinesPanel(Component):
    """Open cases by their next deadline, for members of the group (metadata only)."""

    name = "supervision_deadlines"
    order = 40

    def __init__(self, rows):
        self.rows = rows

    def render_html(self, parent_context):
        return render_to_string("supervision/admin/deadlines_panel.html", {"rows": self.rows})


@hooks.register("construct_homepage_panels")
def add_deadlines_panel(request, panels):
    if not is_member(request.user):
        return
    calendar = cases.deadline_calendar()
    today = timezone.localdate()
    rows = []
    # Every open case, by its next deadline: the ones near or past it first by date.
    for case in Case.objects.exclude(state=Case.State.CONCLUDED).select_related("programme"):
        urgency = cases.urgency_of(case, today, calendar)
        name, due = case.pending_deadline()
        rows.append({"case": case, "name": name, "due": due, "urgency": urgency})
    panels.append(DeadlinesPanel(sorted(rows, key=lambda row: row["due"])))


@hooks.register(EDITOR_DASHBOARD_HOOK)
def cases_about_my_notices(user, today) -> dict:
    """Per notice of the editor's: how many cases name it, open and concluded. Counts only:
    never a complaint's content or who made it."""
    mine = PublicityNoticePage.objects.filter(Q(owner=user) | Q(latest_revision__user=user))
    counts = (
        Case.objects.filter(notice__in=mine)
        .values("notice")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(state=Case.State.CONCLUDED)),
        )
        .order_by("-open", "-total")
    )
    titles = dict(mine.values_list("pk", "title"))
    return {"cases": [{"title": titles.get(row["notice"], ""), **row} for row in counts]}
