"""The editor's guide (docs/editor-guide.md) inside the admin, where the 帮助 menu leads:
rendered from the repository's Markdown on each request, with its screenshots
(docs/editor-guide/*.png) served beside it, so the guide an editor reads is the one
kept with the code."""

from __future__ import annotations

import re

import markdown
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

GUIDE = settings.BASE_DIR / "docs" / "editor-guide.md"
IMAGES = settings.BASE_DIR / "docs" / "editor-guide"
_IMAGE_NAME = re.compile(r"[a-z0-9-]+\.png")


def guide(request):
    text = GUIDE.read_text(encoding="utf-8") if GUIDE.exists() else "# 编辑指南\n\n（尚未编写）"
    title, _, _ = text.partition("\n")
    html = markdown.markdown(text, extensions=["tables", "toc"], output_format="html")
    return render(
        request,
        "base/guide.html",
        {
            "title": title.lstrip("# ").strip(),
            "guide": mark_safe(html),
        },  # the repository's own file
    )


def guide_image(request, name: str):
    path = IMAGES / name
    if not _IMAGE_NAME.fullmatch(name) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
