from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.publishing import worker


class Command(BaseCommand):
    help = "后台任务进程：先补发已到时间的定时发布、安排每日期限提醒、重新排队被中断的构建，再执行任务队列。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="执行完现有任务后退出")

    def handle(self, batch, **options):
        if recovered := worker.start_up():
            self.stdout.write(f"{recovered} 个构建曾被中断，已重新排队。")
        arguments = ["--batch"] if batch else []
        call_command(
            "db_worker",
            *arguments,
            "--no-startup-delay",
            "--interval",
            "1",
            verbosity=options["verbosity"],
        )
