from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class GongshiPageForm(WagtailAdminPageForm):
    """Page form for every page type: publish times are the server's, never the editor's."""

    def clean(self):
        cleaned_data = super().clean()
        go_live_at = cleaned_data.get("go_live_at")
        # A scheduled time in the past would publish at once yet look older than it is.
        if go_live_at and go_live_at < timezone.now():
            self.add_error(
                "go_live_at",
                _("定时发布时间不能早于当前时间；发布时间由服务器记录，不能倒签。"),
            )
        return cleaned_data


class OfficialDocumentForm(GongshiPageForm):
    """Each edit of a published document starts with an empty change note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and not page.has_unpublished_changes and not self.is_bound:
            self.initial["change_note"] = ""
            self.initial["change_is_major"] = False

    def clean(self):
        cleaned_data = super().clean()
        # Checked here, not in the model: Wagtail re-validates the model when it publishes.
        if self.instance.first_published_at and not cleaned_data.get("change_note", "").strip():
            self.add_error(
                "change_note", _("已发布的内容修改后须填写更新说明，它将公开显示在更新记录中。")
            )
        return cleaned_data
