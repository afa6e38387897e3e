"""What happens when something is published (its public change history and audit log),
what may not be deleted (a document in use) or moved (public content below a section that
is not public), and text cleaned as it is saved."""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.signals import page_published, pre_page_move

from gongshi.rules import timeliness

from .attachments import refuse_deleting_a_used_document
from .calendar import official_calendar
from .models import ChangeNote, OfficialDocumentPage
from .plain_text import clean_text_fields
from .removal import MoveRefused, move_refusal

pre_delete.connect(refuse_deleting_a_used_document, sender=get_document_model())
pre_save.connect(clean_text_fields, dispatch_uid="gongshi-plain-text")


@receiver(pre_page_move)
def refuse_moves_that_hide_public_pages(sender, instance, parent_page_after, **kwargs):
    """The last line behind the admin's move views (cms/publishing/wagtail_hooks.py): any
    move, whatever asks for it, that would hide public content without a reason."""
    if refusal := move_refusal(instance, parent_page_after):
        raise MoveRefused(refusal)


def went_live(page, revision) -> bool:
    """Whether `revision` is now the page's live one.

    Wagtail also sends page_published when a revision is merely scheduled; the page is not
    live with that revision then, and receivers wait for the publish that makes it so.
    """
    return page.live and page.live_revision_id == revision.id


@receiver(page_published)
def record_change_note(sender, instance, revision, **kwargs):
    """Write the change history from the revision that went live, and only when it did."""
    if not isinstance(instance, OfficialDocumentPage) or not went_live(instance, revision):
        return
    if ChangeNote.objects.filter(revision=revision).exists():
        return
    first = not ChangeNote.objects.filter(page=instance).exists()
    # What the server states itself (a period correction) comes first and makes the
    # change major, whatever the editor ticked.
    statement = "" if first else instance.change_statement(revision)
    # The form requires a note; a publish that bypassed it still leaves a line.
    editor_note = instance.change_note.strip() or ("" if statement else _("内容更新（未填写说明）"))
    note = ChangeNote.objects.create(
        page=instance,
        revision=revision,
        published_at=instance.last_published_at,
        note=_("首次发布") if first else " ".join(filter(None, [statement, editor_note])),
        is_major=True if first or statement else instance.change_is_major,
    )
    if first:
        record_late_publication(instance, revision)
    else:
        log(
            instance=instance,
            action="gongshi.major_change" if note.is_major else "gongshi.minor_change",
            user=revision.user,
            data={"note": note.note, "revision": revision.id},
        )


def record_late_publication(page, revision) -> None:
    """政府信息公开条例 第二十六条: a first publication more than 20 working days after the
    document was signed goes live, and the audit log keeps the fact."""
    published_on = timezone.localtime(page.first_published_at).date()
    warning = timeliness.lateness_warning(official_calendar(), page.date_signed, published_on)
    if warning:
        log(
            instance=page,
            action="gongshi.late_publication",
            user=revision.user,
            data={
                "date_signed": page.date_signed.isoformat(),
                "published_on": published_on.isoformat(),
                "warning": warning,
            },
        )
