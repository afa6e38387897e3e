"""Documents in the admin: only files of the attachment allow-list are accepted
(gongshi/contract/attachments.py, ADR 23), however they are uploaded, and a document that a
page or the public record uses cannot be deleted, whoever deletes it.

Wagtail builds every document form it shows from WAGTAILDOCS_DOCUMENT_FORM_BASE: the
add and edit views, the multiple upload and the upload tab of the document chooser, so
the check here covers them all, with the reason in Chinese where the editor sees it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from wagtail.documents.forms import BaseDocumentForm
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Revision, get_page_models

from gongshi.contract import attachments
from gongshi.rules.errors import RuleViolation


class AttachmentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data:  # a new upload, not the stored file
            try:
                attachments.check(file.name, file)
            except attachments.AttachmentRefused as refused:
                raise ValidationError(str(refused), code="attachment_type") from None
        return file


class DocumentInUse(RuleViolation):
    """A document still used: deleting it would take an attachment off a page, or out of
    the published versions the public change history records."""


# A document in a StreamField ({"type": "document", "value": 12}) or linked from rich text
# (<a linktype="document" id="12">), in a page's row or, quotes escaped, in a revision's
# JSON; a regular expression both SQLite (Python's re) and PostgreSQL read alike.
_USES = (
    r'\\?"type\\?": ?\\?"document\\?", ?\\?"value\\?": ?{pk}[^0-9]'
    r'|linktype=\\?"document\\?" id=\\?"{pk}\\?"'
)


def pages_using(document) -> list[str]:
    """Titles of the pages whose live content, draft in progress or a published version
    the change history records (ChangeNote) uses `document`."""
    from .models import ChangeNote

    pattern = _USES.format(pk=int(document.pk))
    titles = set()
    for model in get_page_models():
        fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, RichTextField | StreamField) and field.model is model
        ]
        if not fields or model._meta.abstract:
            continue
        texts = {f"{name}_as_text": Cast(name, TextField()) for name in fields}
        uses = Q()
        for name in texts:
            uses |= Q(**{f"{name}__regex": pattern})
        titles |= set(model.objects.annotate(**texts).filter(uses).values_list("title", flat=True))
    pages = Page.objects.all()
    kept = (
        set(pages.exclude(latest_revision=None).values_list("latest_revision_id", flat=True))
        | set(pages.exclude(live_revision=None).values_list("live_revision_id", flat=True))
        | set(ChangeNote.objects.values_list("revision_id", flat=True))
    )
    revisions = (
        Revision.page_revisions.filter(pk__in=kept)
        .annotate(text=Cast("content", TextField()))
        .filter(text__regex=pattern)
    )
    titles |= set(revisions.values_list("object_str", flat=True))
    return sorted(titles)


def refuse_deleting_a_used_document(sender, instance, **kwargs):
    """pre_delete of the document model: in the admin (one, several at once, the
    multiple upload) as in a shell or a command."""
    titles = pages_using(instance)
    if titles:
        listed = "、".join(f"《{title}》" for title in titles[:5])
        more = f"等{len(titles)}个页面" if len(titles) > 5 else ""
        raise DocumentInUse(
            f"文档“{instance.title}”正被{listed}{more}使用，不能删除。"
            "请先在页面中移除或更换该附件并经审核发布；已发布过的附件是公开记录的一部分，"
            "仍在更新记录所载的版本中。"
        )
