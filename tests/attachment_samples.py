"""Small real files of every attachment type, and hostile ones, for the tests of the
attachment allow-list (gongshi/contract/attachments.py), its upload form and its serving."""

from __future__ import annotations

import io
import struct
import zipfile

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# A PDF that asks its reader to run JavaScript when opened: still a PDF.
PDF_WITH_SCRIPT = PDF.replace(
    b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SCRIPT = b"fetch('/report/').then(r => r.text()).then(alert);"
# The first bytes of a Windows program (MZ, then the PE header's place).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#c00").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#0c0").save(buffer, "JPEG")
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def ofd() -> bytes:
    return _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def plain_zip() -> bytes:
    return _zip({"index.html": HTML})


def ole(stream: str) -> bytes:
    """A minimal OLE compound file (MS-CFB, version 3, 512-byte sectors) whose root holds
    one stream `stream` of 4,096 bytes: sector 0 the FAT, 1 the directory, 2-9 the stream."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = [fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end] + [free] * 118
    directory = bytearray(512)

    def entry(index, name, kind, child, start, size):
        offset = index * 128
        encoded = (name + "\x00").encode("utf-16-le")
        directory[offset : offset + len(encoded)] = encoded
        struct.pack_into("<HBB", directory, offset + 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", directory, offset + 0x44, free, free, child)
        struct.pack_into("<IQ", directory, offset + 0x74, start, size)

    entry(0, "Root Entry", 5, 1, end, 0)
    entry(1, stream, 2, free, 2, 4096)
    for index in (2, 3):
        struct.pack_into("<III", directory, index * 128 + 0x44, free, free, free)
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory) + bytes(4096)


def allowed() -> list[tuple[str, bytes]]:
    """(file name, content) of every allowed type."""
    return [
        ("名单.pdf", PDF),
        ("含脚本动作的名单.pdf", PDF_WITH_SCRIPT),
        ("公告.ofd", ofd()),
        ("名单.doc", ole("WordDocument")),
        ("名单.docx", docx()),
        ("评分表.xls", ole("Workbook")),
        ("评分表.xlsx", xlsx()),
        ("名单.wps", ole("WordDocument")),
        ("评分表.et", ole("Workbook")),
        ("证书.jpg", jpeg()),
        ("证书.JPEG", jpeg()),
        ("证书.png", png()),
    ]


def refused() -> list[tuple[str, bytes]]:
    """(file name, content) of hostile or unlisted files, each refused by name or content."""
    return [
        ("名单.html", HTML),
        ("名单.htm", HTML),
        ("图.svg", SVG),
        ("脚本.js", SCRIPT),
        ("程序.exe", EXE),
        ("程序改名.pdf", EXE),  # an .exe renamed .pdf
        ("名单.js", PDF),  # a PDF with a JavaScript name
        ("名单.pdf.html", PDF),
        ("网页改名.pdf", HTML),
        ("网页改名.docx", HTML),
        ("图形改名.png", SVG),
        ("压缩包改名.docx", plain_zip()),  # a ZIP archive that is not a Word file
        ("压缩包.zip", plain_zip()),
        ("表格改名.doc", ole("Workbook")),  # Excel content behind a Word name
        ("演示.doc", ole("PowerPoint Document")),
        ("图片改名.pdf", png()),
        ("空文件.pdf", b""),
        ("没有扩展名", PDF),
        ("损坏.docx", b"PK\x03\x04" + bytes(60)),
        ("损坏.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
    ]


# A built site's attachments, as a build before the allow-list (or a tampered directory)
# may hold them: the web server must serve each as a download whatever it is.
SERVED = {
    "attachments/7/名单.pdf": PDF,
    "attachments/8/x.html": HTML,
    "attachments/9/x.svg": SVG,
    "attachments/10/x.js": SCRIPT,
    "attachments/11/证书.png": None,  # png(), made when written
}


def write_served(output) -> dict[str, bytes]:
    """Write SERVED under `output`; returns {URL path: content}."""
    from urllib.parse import quote

    written = {}
    for path, content in SERVED.items():
        content = png() if content is None else content
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written["/" + quote(path)] = content
    return written
