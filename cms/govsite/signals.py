"""A document gets its 索引号 when it first goes live."""

from django.dispatch import receiver
from wagtail.signals import page_published

from cms.base.models import OfficialDocumentPage
from cms.base.signals import went_live

from .catalogue import assign


@receiver(page_published)
def number_on_first_publish(sender, instance, revision, **kwargs):
    if isinstance(instance, OfficialDocumentPage) and went_live(instance, revision):
        assign(instance)
