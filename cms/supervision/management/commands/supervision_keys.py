"""Create or replace the supervision group's keypair, or show which keys exist.

    manage.py supervision_keys init            # asks for the passphrase twice
    manage.py supervision_keys init --if-missing
    manage.py supervision_keys rotate          # a new key for new cases; old ones stay
    manage.py supervision_keys status

The passphrase is read from the terminal, or from the SUPERVISION_PASSPHRASE environment
variable where there is none (`make demo`). It is never stored: lose it and the cases
sealed to that key cannot be read by anyone.
"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cms.supervision import crypto
from cms.supervision.models import GroupKey

ENVIRONMENT_VARIABLE = "SUPERVISION_PASSPHRASE"


class Command(BaseCommand):
    help = "创建、更换或查看监督组的加密密钥。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["init", "rotate", "status"])
        parser.add_argument(
            "--if-missing", action="store_true", help="已有密钥时什么也不做（init）"
        )

    def handle(self, *args, action, if_missing, **options):
        active = GroupKey.active()
        if action == "status":
            for key in GroupKey.objects.order_by("pk"):
                self.stdout.write(
                    f"#{key.pk} {key} 创建于 {key.created_at:%Y-%m-%d %H:%M}，案件 {key.cases.count()} 件"
                )
            if active is None:
                self.stdout.write("尚无使用中的密钥：在线举报暂停受理。")
            return
        if action == "init" and active is not None:
            if if_missing:
                return
            raise CommandError("已有使用中的密钥；更换请用 rotate。")
        passphrase = self._passphrase()
        try:
            with transaction.atomic():
                if active is not None:
                    active.retired_at = timezone.now()
                    active.save(update_fields=["retired_at"])
                key = GroupKey.generate(passphrase)
        except crypto.EnvelopeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"已创建监督组密钥 #{key.pk}，指纹 {key.fingerprint}。")
        )
        if active is not None:
            self.stdout.write(f"原密钥 #{active.pk} 已停用，仍用原口令查看其案件。")

    def _passphrase(self) -> str:
        if passphrase := os.environ.get(ENVIRONMENT_VARIABLE):
            return passphrase
        if not os.isatty(0):
            raise CommandError(f"请在终端运行，或通过环境变量 {ENVIRONMENT_VARIABLE} 提供口令。")
        first = getpass.getpass("监督组口令（至少12个字符）：")
        if getpass.getpass("再次输入：") != first:
            raise CommandError("两次输入的口令不一致。")
        return first
