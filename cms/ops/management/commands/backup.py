from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.ops import archive, backups, database


class Command(BaseCommand):
    help = "备份数据库、媒体文件、监督组密钥和公开站点的 content/，写成一个带校验清单的归档。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="归档写入的目录（默认 var/backups）",
        )

    def handle(self, output_dir, **options):
        try:
            result = backups.create(Path(output_dir))
        except (database.DatabaseError, archive.ArchiveError, OSError) as error:
            raise CommandError(f"备份失败：{error}") from None
        files = len(result.manifest["files"])
        self.stdout.write(
            f"已备份到 {result.path}（{result.size / 1024 / 1024:.1f} MB，{files} 个文件，"
            f"用时 {result.seconds:.1f} 秒）。"
        )
        if result.manifest["media"] != "included":
            self.stdout.write("媒体文件在对象存储中，请用对象存储自身的版本和复制功能备份。")
