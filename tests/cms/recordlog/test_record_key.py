"""The signing key: created by its command outside the database, rotated as a logged,
signed event that the verifier follows, and a build without a key refuses to run."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from cms.publishing import tasks
from cms.publishing.models import SiteBuild
from cms.recordlog.models import RecordEntry
from gongshi.record import heads, verify

pytestmark = pytest.mark.django_db


def test_a_rotation_is_a_logged_entry_the_verifier_follows(demo_site_dir, settings, tmp_path):
    # the key that signed the built site, in a place of this test's own
    key_file = tmp_path / "keys" / "signing.key"
    key_file.parent.mkdir()
    shutil.copy(settings.GONGSHI_RECORD_KEY_FILE, key_file)
    settings.GONGSHI_RECORD_KEY_FILE = key_file
    live = demo_site_dir / "live"
    old_head = json.loads((live / "record" / "head.json").read_text())
    call_command("record_key", "rotate")
    rotation = RecordEntry.objects.order_by("-index").first()
    assert rotation.event == "key_rotation"
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    head, lines = verify.verify(str(live), saved_head=old_head)
    assert head["public_key"] != old_head["public_key"]
    # endorsed: the old key signed the new public key
    assert f"原公钥 {old_head['public_key']} 的签名" in json.loads(rotation.data)["reason"]
    assert head["public_key"] in json.loads(rotation.data)["reason"]
    assert any(line.startswith("一致") for line in lines)
    # the old key is kept beside the new one, not in the database
    assert list(key_file.parent.glob(f"{key_file.name}.retired-*"))


def test_the_key_is_made_by_its_command_and_a_build_without_it_fails(
    demo_site_dir, settings, tmp_path
):
    settings.GONGSHI_RECORD_KEY_FILE = tmp_path / "keys" / "signing.key"
    settings.GONGSHI_RECORD_KEY_CREATE = False
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.FAILED
    assert "record_key init" in build.error
    call_command("record_key", "init")
    assert settings.GONGSHI_RECORD_KEY_FILE.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError):
        call_command("record_key", "init")
    call_command("record_key", "init", "--if-missing")
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    head = json.loads((demo_site_dir / "live" / "record" / "head.json").read_text())
    heads.check_signature(head)
