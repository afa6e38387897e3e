"""Evidence files: kept in memory only, capped, typed from their content, images
re-encoded without their metadata, then sealed (cases.receive).

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; the
intake view installs `MemoryOnlyUploadHandler` instead, so a report's files never touch
the disk in plaintext, and a file over the cap is dropped as it streams in, with a reason.
"""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import PurePath

import filetype
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from PIL import Image, ImageOps, UnidentifiedImageError

from gongshi.rules.errors import RuleViolation

from .cases import EvidenceFile

# Content type -> Pillow format to re-encode with; PDF is kept as sent (see docs/reporting.md).
ALLOWED_TYPES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "application/pdf": None,
}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
ALLOWED_DESCRIPTION = "JPEG、PNG、WebP 图片或 PDF 文件"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}MB"


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Every file in memory, at most `max_files` of at most `max_file_bytes` each; what
    goes beyond is skipped as it arrives and named in `problems`."""

    def __init__(self, request, max_file_bytes: int, max_files: int):
        super().__init__(request)
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.files_seen = 0
        self.problems: list[str] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.file = BytesIO()
        if self.files_seen > self.max_files:
            self.problems.append(
                f"最多上传{self.max_files}个文件，“{display_name(self.file_name)}”未被接收。"
            )
            raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_file_bytes:
            self.file = BytesIO()  # drop what was read
            self.problems.append(
                f"文件“{display_name(self.file_name)}”超过{megabytes(self.max_file_bytes)}，未被接收。"
            )
            raise SkipFile()
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def display_name(name: str | None) -> str:
    """A file name fit to show and store: no path, no control characters, not too long."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:100] or "未命名文件"


def clean_evidence(name: str, data: bytes, max_pixels: int) -> EvidenceFile:
    """The file as it will be sealed: type from its content, images without metadata."""
    shown = display_name(name)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise RuleViolation(
            f"文件“{shown}”的实际类型不在允许之列（只接收{ALLOWED_DESCRIPTION}），未被接收。"
        )
    pillow_format = ALLOWED_TYPES[kind.mime]
    if pillow_format is not None:
        data = strip_image_metadata(shown, data, pillow_format, max_pixels)
    stem = PurePath(shown).stem or "证据"
    return EvidenceFile(name=stem + EXTENSIONS[kind.mime], content_type=kind.mime, content=data)


def strip_image_metadata(shown: str, data: bytes, pillow_format: str, max_pixels: int) -> bytes:
    """Decode and re-encode the pixels only: EXIF (GPS, camera, time), XMP, comments and
    text chunks stay behind. The EXIF orientation is applied first, so the picture looks
    as it did."""
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != pillow_format:
                raise RuleViolation(f"图片“{shown}”的格式与内容不符，未被接收。")
            width, height = image.size
            if width * height > max_pixels:
                raise RuleViolation(f"图片“{shown}”像素过多（{width}×{height}），请缩小后再上传。")
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("P", "PA"):  # a palette would not survive frombytes
                upright = upright.convert("RGBA")
            if pillow_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            pixels_only = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise RuleViolation(f"图片“{shown}”已损坏或无法读取，未被接收。") from None
    output = BytesIO()
    options = {"quality": 90} if pillow_format in ("JPEG", "WEBP") else {}
    pixels_only.save(output, format=pillow_format, **options)
    return output.getvalue()
