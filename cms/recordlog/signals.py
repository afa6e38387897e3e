"""Each event that changes what the public sees appends to the log in its own transaction.

Connected after cms.base's receivers (INSTALLED_APPS order), so the change history line
of the publish, whose text is the public reason of a correction, is already written.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from cms.base.models import ChangeNote, OfficialDocumentPage
from cms.base.signals import went_live
from cms.publishing.models import Withdrawal

from . import appending


@receiver(page_published)
def log_publish(sender, instance, revision, **kwargs):
    if not isinstance(instance, OfficialDocumentPage) or not went_live(instance, revision):
        return
    note = ChangeNote.objects.filter(revision=revision).first()
    if note is None:  # a revision published twice: its change is already logged
        return
    if appending.RecordEntry.objects.filter(revision_id=revision.pk).exists():
        return
    with transaction.atomic():
        appending.record_publish(instance, note, revision)


@receiver(page_unpublished)
def log_unpublish(sender, instance, **kwargs):
    if isinstance(instance, OfficialDocumentPage):
        with transaction.atomic():
            appending.record_unpublish(instance)


@receiver(post_save, sender=Withdrawal)
def log_withdrawal(sender, instance, created, **kwargs):
    if created:
        with transaction.atomic():
            appending.record_withdrawal(instance)


def _documents_under(page_id):
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return []
    pages = Page.objects.descendant_of(page, inclusive=True).live().specific()
    return [page for page in pages if isinstance(page, OfficialDocumentPage)]


@receiver(post_save, sender=PageViewRestriction)
def log_made_private(sender, instance, created, **kwargs):
    """A private section leaves the public site: its documents stop being public."""
    if created:
        with transaction.atomic():
            for page in _documents_under(instance.page_id):
                appending.record_unpublish(page, reason="设为非公开")


@receiver(post_delete, sender=PageViewRestriction)
def log_made_public(sender, instance, **kwargs):
    """A section opened again: its documents are public again, as they are now."""
    with transaction.atomic():
        for page in _documents_under(instance.page_id):
            appending.record_republish(page)
