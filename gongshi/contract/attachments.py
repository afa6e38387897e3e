"""The files a document may carry to the public site: an allow-list of the document types
government sites publish, each recognised by its name and by its content.

Plain Python, no Django: the CMS checks an upload with it (cms/base/forms.py), the export
checks every attachment again before it leaves the CMS (a document stored before the
list existed, or by other means than the admin, stays off the public site), and the
Pelican reader checks what content/ carries. Decided in ADR 23.

A file is accepted when its name ends with an allowed extension and its content is what
that extension promises: the content is typed by `filetype` from its first bytes, then
the containers are opened: an Office Open XML or OFD file must be a ZIP archive holding
that format's main part, a Word, Excel or WPS file of the older formats an OLE compound
file holding that format's main stream. Nothing is decompressed or run.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype

HEAD = 8192  # bytes filetype reads to type a file


@dataclass(frozen=True)
class AttachmentType:
    label: str  # as a person names it
    extension: str  # with the dot, lower case
    media_type: str  # what a web server or object store says it is
    contents: frozenset[str]  # the content formats (below) that name may carry


def _type(label, extension, media_type, *contents) -> AttachmentType:
    return AttachmentType(label, extension, media_type, frozenset(contents))


# Content formats: pdf, ofd, docx, xlsx (ZIP containers), doc, xls (OLE), jpeg, png.
ALLOWED = {
    t.extension: t
    for t in (
        _type("PDF 文档", ".pdf", "application/pdf", "pdf"),
        _type("OFD 版式文档", ".ofd", "application/ofd", "ofd"),
        _type("Word 文档", ".doc", "application/msword", "doc"),
        _type(
            "Word 文档",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        _type("Excel 表格", ".xls", "application/vnd.ms-excel", "xls"),
        _type(
            "Excel 表格",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        # WPS Office writes its own names over Word's and Excel's formats.
        _type("WPS 文字文档", ".wps", "application/kswps", "doc", "docx"),
        _type("WPS 表格", ".et", "application/kset", "xls", "xlsx"),
        _type("JPEG 图片", ".jpg", "image/jpeg", "jpeg"),
        _type("JPEG 图片", ".jpeg", "image/jpeg", "jpeg"),
        _type("PNG 图片", ".png", "image/png", "png"),
    )
}
EXTENSIONS = tuple(sorted(extension.lstrip(".") for extension in ALLOWED))
DESCRIPTION = (
    "PDF、OFD、Word（.doc .docx）、Excel（.xls .xlsx）、WPS（.wps .et）文档或 JPEG、PNG 图片"
)

# What a refused file's content was found to be, for the message.
_FOUND = {
    "pdf": "PDF 文档",
    "ofd": "OFD 版式文档",
    "doc": "Word 97-2003 文档",
    "docx": "Word 文档",
    "xlsx": "Excel 表格",
    "xls": "Excel 97-2003 表格",
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "zip": "ZIP 压缩包",
    "ole": "其他 OLE 复合文件",
}
_FILETYPE_NAMES = {
    "application/x-msdownload": "Windows 可执行程序",
    "application/x-executable": "可执行程序",
    "image/gif": "GIF 图片",
    "image/webp": "WebP 图片",
    "image/bmp": "BMP 图片",
    "image/tiff": "TIFF 图片",
    "application/x-rar-compressed": "RAR 压缩包",
    "application/x-7z-compressed": "7z 压缩包",
    "application/gzip": "gzip 压缩包",
    "application/x-shockwave-flash": "Flash 文件",
    "application/rtf": "RTF 文档",
}
_ZIP_TYPES = {
    "application/zip",
    "application/epub+zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class AttachmentRefused(ValueError):
    """A file outside the allow-list; the message says why, in Chinese."""


def check(name: str, content) -> AttachmentType:
    """The type of the file `name` whose content is `content` (bytes, or a binary file
    read from where it stands); raises AttachmentRefused saying why it is not allowed."""
    shown = PurePosixPath(str(name).replace("\\", "/")).name or "未命名文件"
    suffix = PurePosixPath(shown).suffix.lower()
    allowed = ALLOWED.get(suffix)
    if allowed is None:
        kind = f"类型（{suffix}）不在允许之列" if suffix else "没有扩展名，无法确定类型"
        raise AttachmentRefused(f"附件“{shown}”的{kind}：只接收{DESCRIPTION}。")
    file = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    found, description = content_format(file)
    if found not in allowed.contents:
        raise AttachmentRefused(
            f"附件“{shown}”的内容是{description}，不是文件名所示的{allowed.label}，未被接收。"
        )
    return allowed


def is_allowed(name: str, content) -> bool:
    try:
        check(name, content)
    except AttachmentRefused:
        return False
    return True


def content_format(file) -> tuple[str | None, str]:
    """(one of the content formats, or None; what the content is, in words)."""
    start = file.tell()
    try:
        head = file.read(HEAD)
        kind = filetype.guess(head) if head else None
        mime = kind.mime if kind else ""
        if mime == "application/pdf":
            return "pdf", _FOUND["pdf"]
        if mime == "image/jpeg":
            return "jpeg", _FOUND["jpeg"]
        if mime in ("image/png", "image/apng"):
            return "png", _FOUND["png"]
        if mime in _ZIP_TYPES or head.startswith(b"PK\x03\x04"):
            file.seek(start)
            found = _zip_format(file)
            return found, _FOUND[found or "zip"]
        if head.startswith(_OLE_MAGIC):
            file.seek(start)
            found = _ole_format(file)
            return found, _FOUND[found or "ole"]
        if mime:
            return None, _FILETYPE_NAMES.get(mime, f"{mime} 类型的文件")
        return None, _text_or_unknown(head)
    finally:
        file.seek(start)


def _text_or_unknown(head: bytes) -> str:
    sample = head.lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<script", b"<body", b"<head")):
        return "HTML 网页"
    if b"<svg" in sample[:1024]:
        return "SVG 图形"
    if b"<" in sample[:1]:
        return "XML 或 HTML 文本"
    return "无法识别的内容" if head else "空文件"


def _zip_format(file) -> str | None:
    """ofd, docx or xlsx by the archive's main part; None for another ZIP archive."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


_MAX_SECTORS = 1 << 16  # of the FAT and the directory chain: far more than a real file has
_END_OF_CHAIN, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_OLE_STREAMS = {"WordDocument": "doc", "Workbook": "xls", "Book": "xls"}


def _ole_format(file) -> str | None:
    """doc or xls by the main stream an OLE compound file (MS-CFB) lists in its
    directory; None for another or a damaged one."""
    try:
        names = _ole_stream_names(file)
    except (struct.error, ValueError, OSError):
        return None
    for stream, found in _OLE_STREAMS.items():
        if stream in names:
            return found
    return None


def _ole_stream_names(file) -> set[str]:
    start = file.tell()
    header = file.read(512)
    if len(header) < 512 or not header.startswith(_OLE_MAGIC):
        raise ValueError("not an OLE compound file")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("unexpected sector size")
    size = 1 << shift
    fat_count, first_directory = struct.unpack_from("<II", header, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
    if fat_count > _MAX_SECTORS:
        raise ValueError("too many FAT sectors")

    def sector(number: int) -> bytes:
        file.seek(start + (number + 1) * size)
        data = file.read(size)
        if len(data) != size:
            raise ValueError("sector beyond the end of the file")
        return data

    fat_sectors = [n for n in struct.unpack_from("<109I", header, 0x4C) if n < _END_OF_CHAIN]
    difat, seen = first_difat, 0
    while difat < _END_OF_CHAIN and seen < difat_count and len(fat_sectors) < fat_count:
        entries = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors += [n for n in entries[:-1] if n < _END_OF_CHAIN]
        difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for number in fat_sectors[:fat_count]:
        fat += struct.unpack(f"<{size // 4}I", sector(number))
    names, visited, number = set(), set(), first_directory
    while number < _END_OF_CHAIN:
        if number in visited or len(visited) >= _MAX_SECTORS or number >= len(fat):
            raise ValueError("a broken directory chain")
        visited.add(number)
        data = sector(number)
        for offset in range(0, size, 128):
            length, kind = struct.unpack_from("<HB", data, offset + 0x40)
            if kind == 2 and 2 <= length <= 64:  # a stream
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        number = fat[number]
    return names
