"""Create, rotate or show the publication log's signing key (ADR 0031, docs/security.md).

manage.py record_key init [--if-missing]
manage.py record_key rotate     # the rotation is itself a logged, signed entry
manage.py record_key status
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.recordlog import keys
from gongshi.record import heads


class Command(BaseCommand):
    help = "创建、更换或查看公开记录的签名密钥。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "rotate", "status"])
        parser.add_argument("--if-missing", action="store_true", help="已有密钥时什么也不做")

    def handle(self, *args, action, if_missing, **options):
        path = keys.key_file()
        if action == "status":
            if not path.exists():
                self.stdout.write(f"尚无签名密钥（{path}）：构建会失败，请运行 record_key init。")
                return
            public = heads.public_key_text(keys.load())
            self.stdout.write(
                f"签名密钥 {path}，公钥 {public}，指纹 {heads.key_fingerprint(public)}"
            )
            return
        if action == "init":
            if path.exists():
                if if_missing:
                    return
                raise CommandError("已有签名密钥；更换请用 rotate。")
            key = keys.write_new()
            self.stdout.write(
                self.style.SUCCESS(f"已创建签名密钥 {path}，公钥 {heads.public_key_text(key)}")
            )
            return
        with transaction.atomic():
            _old, new = keys.rotate()
        self.stdout.write(
            self.style.SUCCESS(
                f"已更换签名密钥：新公钥 {heads.public_key_text(new)}；原密钥保留为 {path}.retired-*，更换已写入公开记录。"
            )
        )
