"""`manage.py supervision_keys`: create, keep, rotate; the passphrase is never stored."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cms.supervision import crypto
from cms.supervision.models import GroupKey

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    output = StringIO()
    call_command("supervision_keys", *args, stdout=output)
    return output.getvalue()


def test_init_rotate_and_status(monkeypatch):
    monkeypatch.setenv("SUPERVISION_PASSPHRASE", "first group passphrase")
    assert "已创建监督组密钥" in run("init")
    first = GroupKey.active()
    assert crypto.unlock(first.locked, "first group passphrase")
    assert b"first group passphrase" not in bytes(first.locked_private_key) + bytes(first.salt)
    run("init", "--if-missing")
    assert GroupKey.objects.count() == 1
    with pytest.raises(CommandError, match="rotate"):
        run("init")

    monkeypatch.setenv("SUPERVISION_PASSPHRASE", "second group passphrase")
    assert "已停用" in run("rotate")
    first.refresh_from_db()
    assert first.retired_at is not None and GroupKey.active() != first
    status = run("status")
    assert first.fingerprint in status and GroupKey.active().fingerprint in status


def test_a_short_passphrase_is_refused(monkeypatch):
    monkeypatch.setenv("SUPERVISION_PASSPHRASE", "short")
    with pytest.raises(CommandError, match="至少12个字符"):
        run("init")
    assert not GroupKey.objects.exists()
