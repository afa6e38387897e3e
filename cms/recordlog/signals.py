"""Each event that changes what the public sees appends to the log in its own transaction.

Connected after cms.base's receivers (INSTALLED_APPS order), so the change history line
of the publish, whose text is the public reason of a correction, is already written.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
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
