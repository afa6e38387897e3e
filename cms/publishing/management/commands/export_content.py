from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.publishing import export
from gongshi.contract import ContractError


class Command(BaseCommand):
    help = "把已发布的公开内容导出到目录（content/ 格式，见 docs/content-format.md）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=Path, help="目标目录，须为空或不存在（可以有 README.md）"
        )

    def handle(self, directory: Path, **options):
        if directory.exists() and any(p.name != "README.md" for p in directory.iterdir()):
            raise CommandError(f"目录 {directory} 不是空的；请指定一个空目录。")
        directory.mkdir(parents=True, exist_ok=True)
        try:
            count = export.write(export.collect(), directory)
        except ContractError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已导出 {count} 个文件到 {directory}")
