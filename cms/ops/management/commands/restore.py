import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.ops import archive, backups, database
from gongshi_site.atomic import BuildFailed


class Command(BaseCommand):
    help = "从备份归档恢复：先核对校验和，只写入空数据库（--force 覆盖），全部成功或什么都不改。"

    def add_arguments(self, parser):
        parser.add_argument("archive_path", metavar="archive", help="gongshi-backup-*.tar")
        parser.add_argument("--force", action="store_true", help="覆盖非空的数据库和媒体目录")

    def handle(self, archive_path, force, **options):
        started = time.monotonic()
        try:
            manifest = backups.restore(Path(archive_path), force=force)
        except backups.RestoreRefused as refusal:
            raise CommandError(f"未恢复，什么也没有改动：{refusal}") from None
        except (archive.ArchiveError, FileNotFoundError) as error:
            raise CommandError(f"未恢复，什么也没有改动：{error}") from None
        except database.DatabaseError as error:
            raise CommandError(f"恢复数据库失败，数据库保持原样：{error}") from None
        except BuildFailed as error:
            raise CommandError(
                f"数据已恢复，但用备份的 content/ 构建公开站点失败：{error}\n"
                "请运行 manage.py build_site 重新构建。"
            ) from None
        self.stdout.write(
            f"已恢复 {manifest['created_at']} 的备份（{len(manifest['files'])} 个文件，"
            f"用时 {time.monotonic() - started:.1f} 秒）。接着运行 manage.py migrate。"
        )
