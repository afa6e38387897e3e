"""Every change that alters the public site asks for a build; none waits for it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from cms.base.signals import went_live
from cms.govsite.models import SiteIdentity
from cms.reporting.models import ReportingChannel
from cms.supervision.cases import case_concluded

from .tasks import request_build, schedule_publishing_run


@receiver(page_published)
def build_on_publish(sender, instance, revision, **kwargs):
    # Scheduling a revision also sends page_published; the site changes only when it
    # goes live, which the queue brings about at the scheduled time.
    if went_live(instance, revision):
        request_build(f"发布：{instance.title}", page_id=instance.pk)
    elif revision.approved_go_live_at:
        schedule_publishing_run(revision.approved_go_live_at)


@receiver(page_unpublished)
def build_on_unpublish(sender, instance, **kwargs):
    request_build(f"撤下：{instance.title}", page_id=instance.pk)


@receiver(post_page_move)
def build_on_move(sender, instance, **kwargs):
    if instance.live:
        request_build(f"移动：{instance.title}")


@receiver(post_delete, sender=Page)
def build_on_delete(sender, instance, **kwargs):
    # Wagtail unpublishes a live page just before deleting it (so `live` is False here
    # and page_unpublished asked for a build naming it): a page ever published may be
    # on the site, and whatever deleted it (the admin, a shell, a command), only a full
    # build removes it from the listings, feeds and search.
    if instance.live or instance.first_published_at is not None:
        request_build(f"删除：{instance.title}")


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def build_on_view_restriction(sender, instance, **kwargs):
    # A private section leaves the public site, an opened one joins it: a full build.
    # (by number: the page may be going too, deleted with its restriction)
    request_build(f"访问限制变更：页面 #{instance.page_id}")


@receiver(published, sender=ReportingChannel)
def build_on_channel_published(sender, instance, **kwargs):
    request_build(f"发布举报渠道：{instance.name}")


@receiver(unpublished, sender=ReportingChannel)
def build_on_channel_unpublished(sender, instance, **kwargs):
    request_build(f"撤下举报渠道：{instance.name}")


@receiver(case_concluded)
def build_on_case_concluded(sender, case, **kwargs):
    request_build("举报案件办结（更新统计）")


@receiver(post_save, sender=get_document_model())
def build_on_document_change(sender, instance, created, **kwargs):
    # A new document is public only once a published page links it.
    if not created:
        request_build(f"附件更新：{instance.title}")


@receiver(post_save, sender=SiteIdentity)
def build_on_site_identity_change(sender, instance, created, **kwargs):
    # Opening the settings form creates an empty row, which changes nothing public.
    if created and not any(instance.public().values()):
        return
    # Every page's footer and meta tags show it: a full build.
    request_build("网站信息更新")
