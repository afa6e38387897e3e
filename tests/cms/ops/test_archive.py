"""The backup archive's manifest guards the restore: altered, missing, extra or unsafe
members are refused before anything is written outside the staging directory."""

import io
import json
import tarfile

import pytest

from cms.ops import archive


@pytest.fixture
def written(tmp_path):
    source = tmp_path / "source"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("一")
    (source / "sub" / "b.txt").write_text("二")
    target = tmp_path / "out" / "backup.tar"
    target.parent.mkdir()
    manifest = archive.write(target, archive.collect_tree("content", source), {"database": "x"})
    return target, manifest


def test_a_sound_archive_extracts_with_its_manifest(written, tmp_path):
    target, manifest = written
    assert sorted(manifest["files"]) == ["content/a.txt", "content/sub/b.txt"]
    staging = tmp_path / "staging"
    assert archive.verify_and_extract(target, staging)["database"] == "x"
    assert (staging / "content" / "sub" / "b.txt").read_text() == "二"
    assert target.with_name("backup.tar.sha256").read_text().split()[0] == archive.sha256_of(target)
    assert not list(target.parent.glob("*.partial"))


def rewrite(target, extra_member=None, drop=None):
    """Copy the archive member by member, adding or dropping one."""
    with tarfile.open(target) as original:
        members = [(info, original.extractfile(info).read()) for info in original]
    with tarfile.open(target, "w") as rewritten:
        for info, data in members:
            if info.name != drop:
                rewritten.addfile(info, io.BytesIO(data))
        if extra_member:
            name, data = extra_member
            info = tarfile.TarInfo(name)
            info.size = len(data)
            rewritten.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra_member": ("../evil.txt", b"x")}, "不安全的条目"),
        ({"extra_member": ("content/new.txt", b"x")}, "清单未列出"),
        ({"drop": "content/a.txt"}, "缺少清单列出的文件"),
    ],
)
def test_a_changed_archive_is_refused(written, tmp_path, change, message):
    target, _ = written
    rewrite(target, **change)
    with pytest.raises(archive.ArchiveError, match=message):
        archive.verify_and_extract(target, tmp_path / "staging")
    assert not (tmp_path / "evil.txt").exists()


def test_an_archive_of_another_format_is_refused(tmp_path):
    target = tmp_path / "other.tar"
    with tarfile.open(target, "w") as other:
        data = json.dumps({"format": "something-else"}).encode()
        info = tarfile.TarInfo(archive.MANIFEST)
        info.size = len(data)
        other.addfile(info, io.BytesIO(data))
    with pytest.raises(archive.ArchiveError, match="不认识的备份格式"):
        archive.read_manifest(target)
