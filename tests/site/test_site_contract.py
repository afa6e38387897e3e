"""A content/ file that breaks the contract fails the build (non-zero exit), naming the
file and the field on stderr, and no page is written."""

import json
import re

import pytest
from sitebuild import build

from gongshi_site.reader import ContentInvalid, read_content


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def missing_field(content):
    _edit(content / "notices/41.md", '"issuing_body": "示例区市场监督管理局",\n', "")


def wrong_type(content):
    _edit(content / "notices/41.md", '"working_days": 5', '"working_days": "五"')


def bad_json(content):
    _edit(
        content / "decisions/34.md",
        '"issuing_body": "示例市人民政府",',
        '"issuing_body": "示例市人民政府"',
    )


def unknown_award(content):
    _edit(content / "revocations/35.md", '"award": {"id": 301', '"award": {"id": 399')


def award_of_another_decision(content):
    _edit(content / "revocations/35.md", '"decision": 34', '"decision": 33')


def wrong_attachment_hash(content):
    _edit(content / "notices/33.md", '"sha256": "138eb781', '"sha256": "038eb781')


def changed_attachment(content):
    attachment = next((content / "attachments/7").iterdir())
    attachment.write_bytes(attachment.read_bytes().replace(b"PDF", b"XYZ"))


def missing_attachment(content):
    next((content / "attachments/7").iterdir()).unlink()


def _replace_attachment(content, name: str, data: bytes) -> None:
    """Give notice 33's attachment another name and content, its record kept consistent
    (size and hash): only the allow-list can refuse it."""
    import hashlib

    [old] = (content / "attachments/7").iterdir()
    notice = content / "notices/33.md"
    text = notice.read_text(encoding="utf-8")
    record = json.loads(text[: text.index("\n}\n") + 2])["attachments"][0]
    text = text.replace(record["file"], f"attachments/7/{name}")
    text = text.replace(f'"size": {record["size"]}', f'"size": {len(data)}')
    text = text.replace(record["sha256"], hashlib.sha256(data).hexdigest())
    notice.write_text(text, encoding="utf-8")
    old.unlink()
    (content / "attachments/7" / name).write_bytes(data)


def page_behind_a_pdf_name(content):
    _replace_attachment(content, "名单.pdf", b"<!DOCTYPE html><script>alert(1)</script>")


def script_attachment(content):
    _replace_attachment(content, "名单.js", b"%PDF-1.4\n%%EOF\n")


def unknown_programme(content):
    _edit(content / "calls/31.md", '"programme": "shili-city"', '"programme": "nowhere"')


@pytest.mark.parametrize(
    "breakage, file, field",
    [
        (missing_field, "notices/41.md", "issuing_body"),
        (wrong_type, "notices/41.md", "working_days"),
        (bad_json, "decisions/34.md", "(front matter)"),
        (unknown_award, "revocations/35.md", "award.id"),
        (award_of_another_decision, "revocations/35.md", "award.decision"),
        (wrong_attachment_hash, "notices/33.md", "attachments[0].sha256"),
        (changed_attachment, "notices/33.md", "attachments[0].sha256"),
        (missing_attachment, "notices/33.md", "attachments[0].file"),
        (page_behind_a_pdf_name, "notices/33.md", "attachments[0].file"),
        (script_attachment, "notices/33.md", "attachments[0].file"),
        (unknown_programme, "calls/31.md", "programme"),
    ],
)
def test_a_broken_file_fails_the_build_naming_file_and_field(
    content, tmp_path, breakage, file, field
):
    breakage(content)
    output = tmp_path / "output"
    finished = build(content, output)
    assert finished.returncode != 0
    line = next((line for line in finished.stderr.splitlines() if file in line), "")
    assert f"字段 {field}：" in line, finished.stderr
    assert not (output / "index.html").exists()


def test_every_broken_file_is_listed_not_only_the_first(content):
    missing_field(content)
    bad_json(content)
    with pytest.raises(ContentInvalid) as raised:
        read_content(content)
    named = sorted(re.sub(r"^.*content/", "", error.path) for error in raised.value.errors)
    assert named == ["decisions/34.md", "notices/41.md"]


def test_a_missing_home_file_fails(content):
    (content / "home.md").unlink()
    with pytest.raises(ContentInvalid, match=r"home\.md"):
        read_content(content)


def test_a_file_outside_the_kind_directories_is_not_read(content):
    # content/README.md sits beside home.md in the repository's content/ folder.
    (content / "README.md").write_text("# content\n", encoding="utf-8")
    (content / "attachments" / "notes.md").write_text("not a document", encoding="utf-8")
    assert read_content(content).home.document["kind"] == "home"


def test_valid_fixture_reads(content):
    read = read_content(content)
    assert {kind: len(sources) for kind, sources in read.by_kind.items()} == {
        "programme": 2,
        "call": 1,
        "notice": 3,
        "decision": 1,
        "revocation": 1,
        "channel": 1,
        "withdrawn": 1,
    }
    assert json.loads(json.dumps(read.home.document))["site_name"]
