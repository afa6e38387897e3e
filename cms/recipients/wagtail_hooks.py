"""The people register in the admin, and its chooser: an editor picks the person a row
means, or creates one from the chooser itself."""

from django.utils.translation import gettext_lazy as _
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
