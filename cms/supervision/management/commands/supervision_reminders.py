"""E-mail handlers about case deadlines that are near or past, now. The task queue's
worker (`manage.py site_worker`) already does this every morning at 08:30."""

from django.core.management.base import BaseCommand

from cms.supervision.cases import send_deadline_reminders


class Command(BaseCommand):
    help = "提醒承办人即将到期或已超期的举报案件。"

    def handle(self, *args, **options):
        sent = send_deadline_reminders()
        self.stdout.write(f"已发送{sent}条期限提醒。")
