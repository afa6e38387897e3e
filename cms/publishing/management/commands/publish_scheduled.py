"""Wagtail's `publish_scheduled`, in its place (this app comes before Wagtail's in
INSTALLED_APPS), for the task queue and for any cron job that runs it: versions due to go
live are published as Wagtail does, but an expiry is never obeyed. Wagtail's would
unpublish an item past its `expire_at` with no reason at its address and no second
approver; here every expiry is cancelled instead, and the audit log keeps it
(cms/base/removal.py, docs/adr/0036-no-expiry-moves-keep-public.md)."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from wagtail.models import Revision

from cms.base.removal import cancel_expiries


class Command(BaseCommand):
    help = "发布到期的定时发布版本；本站不设到期下线，到期时间一律取消，不撤下任何内容。"

    def add_arguments(self, parser):
        parser.add_argument("--dryrun", action="store_true", help="只列出，不做任何改动。")

    def handle(self, *args, dryrun=False, **options):
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by(
            "approved_go_live_at"
        )
        if dryrun:
            for revision in due:
                self.stdout.write(
                    f"将发布：{revision.object_str}（{revision.approved_go_live_at}）"
                )
            return
        for item in cancel_expiries():
            self.stdout.write(f"到期时间已取消，仍保持公开：{item}")
        for revision in due:
            revision.publish(log_action="wagtail.publish.scheduled")
            self.stdout.write(f"已发布：{revision.object_str}")
