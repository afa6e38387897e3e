"""The 索引号 register in the admin: read by editors, approvers and administrators to find
an item by its catalogue number, changed by nobody (a number is never edited or reused)."""

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import IndexNumber


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Viewing as the groups allow; adding, changing and deleting for nobody, the superuser
    included: numbers are given only by cms.govsite.catalogue when an item first goes live."""

    WRITES = {"add", "change", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.WRITES and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class IndexNumberViewSet(SnippetViewSet):
    model = IndexNumber
    icon = "list-ol"
    menu_label = _("索引号登记簿")
    add_to_settings_menu = True
    list_display = ["number", "title", "page", "assigned_at"]
    list_filter = ["year"]
    search_fields = ["number", "title"]
    search_backend_name = None  # the database: the register is small, a 索引号 is exact
    ordering = ["-year", "-sequence"]
    inspect_view_enabled = True


register_permission_policy(IndexNumber, ReadOnlyPolicy(IndexNumber))
register_snippet(IndexNumberViewSet)
