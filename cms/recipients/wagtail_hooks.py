"""The people register in the admin, and its chooser: an editor picks the person a row
means, or creates one from the chooser itself."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Person


class PersonChooserViewSet(SnippetChooserViewSet):
    # The chooser's "新建" tab: the model's own checks apply (a namesake needs a distinction).
    form_fields = ["name", "distinction"]
    create_action_label = _("新建人员")


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("个人获奖者")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "distinction", "public_id", BooleanColumn("needs_review")]
    list_filter = ["needs_review"]
    search_fields = ["name", "distinction"]
    chooser_viewset_class = PersonChooserViewSet


register_snippet(PersonViewSet)


class ReviewPanel(Component):
    """On the dashboard while people made by name (by the upgrade) await an editor's check."""

    name = "people_to_review"
    order = 60

    def __init__(self, count: int):
        self.count = count

    def render_html(self, parent_context):
        return render_to_string("recipients/review_panel.html", {"count": self.count})


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    if not request.user.has_perm("recipients.change_person"):
        return
    count = Person.objects.filter(needs_review=True).count()
    if count:
        panels.append(ReviewPanel(count))
