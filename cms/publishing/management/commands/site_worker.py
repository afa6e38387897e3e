import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from cms.publishing import worker

# Seconds between attempts to reach a database that went away, doubling up to the cap.
FIRST_PAUSE, LONGEST_PAUSE = 1, 30


class Command(BaseCommand):
    help = "后台任务进程：先补发已到时间的定时发布、安排每日期限提醒、重新排队被中断的构建，再执行任务队列。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="执行完现有任务后退出")

    def handle(self, batch, **options):
        while True:
            try:
                if recovered := worker.start_up():
                    self.stdout.write(f"{recovered} 个构建曾被中断，已重新排队。")
                self._run_queue(batch, options["verbosity"])
                return
            except DatabaseError as error:
                # A database restart stops the queue's loop; wait for the database and
                # carry on rather than leave the site without a worker.
                self.stderr.write(f"数据库暂时不可用，等待后继续：{error}")
                self._wait_for_database()

    def _run_queue(self, batch, verbosity):
        arguments = ["--batch"] if batch else []
        # Never db_worker's reloader (its default with DEBUG, as in `make demo`): it runs
        # the tasks in a child process, whose death ends the worker, and the state an
        # incremental build starts from lives in the worker's own process (ADR 9).
        arguments.append("--no-reload")
        call_command(
            "db_worker", *arguments, "--no-startup-delay", "--interval", "1", verbosity=verbosity
        )

    def _wait_for_database(self):
        pause = FIRST_PAUSE
        while True:
            connection.close()
            close_old_connections()
            time.sleep(pause)
            try:
                connection.ensure_connection()
                return
            except DatabaseError:
                pause = min(pause * 2, LONGEST_PAUSE)
