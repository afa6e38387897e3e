from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.publishing import worker

RQ_BACKEND = "django_tasks_rq.RQBackend"


class Command(BaseCommand):
    help = (
        "生产环境的后台任务进程（Redis 队列）：先补发已到时间的定时发布、安排每日期限提醒、"
        "重新排队被中断或等待中的构建，再执行任务队列（含定时任务）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="执行完现有任务后退出")

    def handle(self, burst, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != RQ_BACKEND:
            raise CommandError(
                "gongshi_worker 需要 Redis 任务队列（设置 REDIS_URL）；数据库队列请用 site_worker。"
            )
        if recovered := worker.start_up():
            self.stdout.write(f"{recovered} 个构建曾被中断，已重新排队。")
        queues = settings.TASKS["default"].get("QUEUES", ["default"])
        # django-tasks' RQ jobs need its Job class to run; the scheduler moves tasks
        # enqueued with run_after (scheduled builds and publishing, reminders) onto the
        # queue when they fall due. Jobs run in this process, not a fork per job: the
        # state an incremental build starts from lives here between builds (ADR 9).
        arguments = ["--job-class", "django_tasks_rq.Job", "--with-scheduler"]
        arguments += ["--worker-class", "rq.worker.SimpleWorker"]
        arguments += [*(["--burst"] if burst else []), *queues]
        call_command("rqworker", *arguments, verbosity=options["verbosity"])
