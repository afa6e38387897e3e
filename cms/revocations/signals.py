from django.dispatch import receiver
from wagtail.models import PageLogEntry
from wagtail.signals import page_published

from .models import RevocationPage
from .operations import revoke_award


@receiver(page_published, sender=RevocationPage)
def revoke_when_live(sender, instance, revision, **kwargs):
    # Scheduled publishing sends page_published before the page is live; wait for it.
    if not instance.live or instance.live_revision_id != revision.id:
        return
    already = PageLogEntry.objects.filter(page=instance, action="gongshi.revoke_award").exists()
    if not already:
        revoke_award(instance, user=revision.user)
