"""`make backup` then `make restore` into an empty database gives back the same public
site, byte for byte, and the supervision group's cases still open with the passphrase.

Runs on SQLite, and on PostgreSQL too when DATABASE_URL names a server."""

import json
import shutil
import tarfile

import pytest
from instance import Instance, new_database_url, postgres_url, tree_differences
from intake_client import PASSPHRASE

SEAL_A_REPORT = """
from cms.programmes.models import ProgrammePage
from cms.supervision import cases, crypto
programme = ProgrammePage.objects.get(slug="yuncheng")
submission = cases.Submission(programme=programme, notice=None, subject="备份测试公司",
    text="备份之前收到的举报", anonymous=False, name="举报人甲")
case, receipt = cases.receive(submission, crypto.KDF_COSTS["min"])
print(case.pk)
"""

# 网站信息 and the register of 索引号 are in the database, so in the backup.
SETTINGS_AND_NUMBERS = """
from cms.govsite.models import IndexNumber, SiteIdentity
identity = SiteIdentity.objects.get()
print(identity.sponsor, identity.organisation_code)
print(sorted(IndexNumber.objects.values_list("number", flat=True)))
"""

OPEN_THE_REPORT = """
from cms.supervision import crypto
from cms.supervision.models import Case
case = Case.objects.get(pk={pk})
key = crypto.unlock(case.key.locked, {passphrase!r})
print(crypto.open_json(key, bytes(case.sealed_report))["text"])
print(crypto.open_json(key, bytes(case.sealed_identity))["name"])
"""


@pytest.fixture
def origin(tmp_path):
    """The demo, with the group's key, a sealed report, a media file and a built site."""
    instance = Instance(tmp_path / "origin", new_database_url(tmp_path, "origin"))
    instance.manage("migrate", "--no-input", "-v0")
    instance.manage("load_demo")
    instance.manage("supervision_keys", "init", SUPERVISION_PASSPHRASE=PASSPHRASE)
    instance.case_id = int(instance.shell(SEAL_A_REPORT).strip())
    (instance.media_root / "documents").mkdir(parents=True)
    (instance.media_root / "documents" / "附件.pdf").write_bytes(b"%PDF-1.4 media kept\n")
    instance.manage("build_site", "--now")
    yield instance
    instance.drop()


@pytest.fixture
def empty(tmp_path):
    instance = Instance(tmp_path / "restored", new_database_url(tmp_path, "restored"))
    yield instance
    instance.drop()


@pytest.mark.parametrize("database", ["postgresql" if postgres_url() else "sqlite3"])
def test_a_restore_into_an_empty_database_gives_the_same_site(origin, empty, tmp_path, database):
    served = origin.live.resolve()
    settings_and_numbers = origin.shell(SETTINGS_AND_NUMBERS)
    assert "【示例】" in settings_and_numbers and "/20" in settings_and_numbers
    origin.manage("backup", "--output-dir", str(tmp_path / "backups"))
    [backup] = (tmp_path / "backups").glob("gongshi-backup-*.tar")
    manifest = json.loads(tarfile.open(backup).extractfile("manifest.json").read())
    assert manifest["database"] == database
    assert "supervision/group-keys.json" in manifest["files"]
    assert "media/documents/附件.pdf" in manifest["files"]
    assert any(name.startswith("content/") for name in manifest["files"])
    assert (tmp_path / "backups" / f"{backup.name}.sha256").is_file()

    restored = empty.manage("restore", str(backup))
    assert "已恢复" in restored.stdout
    # The backed-up content/ is served again at once, before any worker has run ...
    assert tree_differences(served, empty.live.resolve()) == []
    # ... and a build from the restored database gives the same site, byte for byte,
    # once the log's signing key is back from its own copy (never in a backup).
    assert not any("record-signing" in name for name in manifest["files"])
    shutil.copy(origin.site_dir.parent / "record-signing.key", empty.site_dir.parent)
    empty.manage("migrate", "--no-input", "-v0")
    empty.manage("build_site", "--now", "--reason", "恢复后构建")
    assert tree_differences(served, empty.live.resolve()) == []
    assert empty.shell(SETTINGS_AND_NUMBERS) == settings_and_numbers
    assert (empty.media_root / "documents" / "附件.pdf").read_bytes() == b"%PDF-1.4 media kept\n"
    opened = empty.shell(OPEN_THE_REPORT.format(pk=origin.case_id, passphrase=PASSPHRASE))
    assert opened.splitlines() == ["备份之前收到的举报", "举报人甲"]

    refused = empty.manage("restore", str(backup), check=False)
    assert refused.returncode != 0 and "目标数据库不是空的" in refused.stderr
    assert empty.manage("restore", str(backup), "--force").returncode == 0


def test_a_damaged_backup_is_refused_before_anything_changes(origin, empty, tmp_path):
    origin.manage("backup", "--output-dir", str(tmp_path / "backups"))
    [backup] = (tmp_path / "backups").glob("gongshi-backup-*.tar")
    data = bytearray(backup.read_bytes())
    marker = data.rfind(b"%PDF-1.4 media kept")
    data[marker] ^= 0xFF  # one flipped byte in the media file
    backup.write_bytes(bytes(data))

    refused = empty.manage("restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "校验和不符" in refused.stderr and "附件.pdf" in refused.stderr
    tables = empty.shell(
        "from django.db import connection; print(len(connection.introspection.table_names()))"
    )
    assert tables.strip() == "0"
    assert not empty.media_root.exists() and not empty.live.exists()
