"""The attachment allow-list, attacked: every allowed type passes by name and content;
scripts, pages, programs and archives are refused whatever they are named, and a file
whose content is not what its name says is refused too."""

import io

import attachment_samples as samples
import pytest

from gongshi.contract import attachments


@pytest.mark.parametrize("name, content", samples.allowed(), ids=lambda v: str(v)[:12])
def test_every_allowed_type_passes(name, content):
    assert attachments.check(name, content).extension in attachments.ALLOWED


@pytest.mark.parametrize("name, content", samples.refused(), ids=lambda v: str(v)[:12])
def test_hostile_and_unlisted_files_are_refused_with_the_reason(name, content):
    with pytest.raises(attachments.AttachmentRefused) as refused:
        attachments.check(name, content)
    message = str(refused.value)
    assert name.rsplit("/", 1)[-1] in message and "附件" in message
    assert "不在允许之列" in message or "不是文件名所示的" in message or "没有扩展名" in message


@pytest.mark.parametrize(
    "name, content, said",
    [
        ("程序改名.pdf", samples.EXE, "Windows 可执行程序"),
        ("网页改名.pdf", samples.HTML, "HTML 网页"),
        ("图形改名.png", samples.SVG, "SVG 图形"),
        ("压缩包改名.docx", samples.plain_zip(), "ZIP 压缩包"),
        ("表格改名.doc", samples.ole("Workbook"), "Excel 97-2003 表格"),
    ],
)
def test_the_message_says_what_the_content_really_is(name, content, said):
    with pytest.raises(attachments.AttachmentRefused, match=said):
        attachments.check(name, content)


def test_a_file_is_read_from_where_it_stands_and_left_there():
    file = io.BytesIO(b"ignored" + samples.PDF)
    file.seek(len(b"ignored"))
    assert attachments.check("名单.pdf", file).label == "PDF 文档"
    assert file.tell() == len(b"ignored")


@pytest.mark.parametrize(
    "content",
    [
        # a directory chain that loops on itself
        samples.ole("WordDocument")[:512]
        + (b"\xfd\xff\xff\xff" + b"\x01\x00\x00\x00" + b"\xff" * 504)
        + samples.ole("WordDocument")[1024:],
        # a FAT sector number beyond the end of the file
        samples.ole("WordDocument")[:0x4C]
        + b"\x00\x01\x00\x00"
        + samples.ole("WordDocument")[0x50:],
        samples.ole("WordDocument")[:700],  # cut short
    ],
    ids=["loop", "beyond", "short"],
)
def test_a_damaged_ole_file_is_refused_not_an_error(content):
    with pytest.raises(attachments.AttachmentRefused):
        attachments.check("名单.doc", content)


def test_the_contract_accepts_only_the_allowed_extensions():
    from gongshi.contract.schema import _ATTACHMENT_FILE

    for extension in attachments.EXTENSIONS:
        assert _ATTACHMENT_FILE.match(f"attachments/7/名单.{extension}")
        assert _ATTACHMENT_FILE.match(f"attachments/7/名单.{extension.upper()}")
    for name in ("a.html", "a.svg", "a.js", "a.exe", "a.pdf.html", "a", "a.zip", ".pdf/x"):
        assert not _ATTACHMENT_FILE.match(f"attachments/7/{name}"), name
