from django.dispatch import receiver
from wagtail.models import PageLogEntry
from wagtail.signals import page_published

from cms.base.signals import went_live

from .models import RevocationPage
from .operations import revoke_award


@receiver(page_published, sender=RevocationPage)
def revoke_when_live(sender, instance, revision, **kwargs):
    if not went_live(instance, revision):
        return
    already = PageLogEntry.objects.filter(page=instance, action="gongshi.revoke_award").exists()
    if not already:
        revoke_award(instance, user=revision.user)
