from django.core.management.base import BaseCommand, CommandError

from cms.publishing import builds, tasks
from cms.publishing.models import SiteBuild
from gongshi.search import engine


class Command(BaseCommand):
    help = "构建公开站点：默认交给后台任务队列；--now 在本进程中立即构建并等待结果。"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="立即构建并等待结果")
        parser.add_argument("--if-missing", action="store_true", help="只在还没有公开站点时构建")
        parser.add_argument("--reason", default="手动构建", help="记入构建历史的原因")

    def handle(self, now, if_missing, reason, **options):
        live = builds.site_dir() / "live"
        # A site built before search existed has no index: build it again.
        if if_missing and live.exists() and engine.is_ready(live.resolve().parent / "search"):
            return
        build = tasks.request_build(reason)
        if not now:
            self.stdout.write(f"已请求构建 #{build.pk}，由后台任务执行。")
            return
        finished = tasks.run_build(build.pk)
        if finished is None:
            raise CommandError(f"构建 #{build.pk} 已由后台任务执行。")
        if finished.status == SiteBuild.Status.FAILED:
            raise CommandError(f"构建 #{build.pk} 失败，公开站点保持不变：\n{finished.error}")
        seconds = finished.duration.total_seconds()
        self.stdout.write(
            f"构建 #{build.pk} 完成：{finished.item_count} 个条目，用时 {seconds:.1f} 秒。"
        )
