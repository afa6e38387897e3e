"""Markdown bodies as HTML that is safe to put on a government site.

The Markdown comes from the CMS, but the site does not trust it: whatever Markdown
passes through as raw HTML is cleaned against a short allowlist, so no script, event
handler, style or javascript: link can reach a page, whoever wrote the file.
"""

from __future__ import annotations

import functools
import re

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import urls

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "a", "br", "hr",
    "blockquote", "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}  # relative links pass through

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    # Markdown tables have their header cells in the first row only.
    set_tag_attribute_values={"th": {"scope": "col"}},
    strip_comments=True,
    link_rel="noopener noreferrer",
)


class _FitHeadings(Treeprocessor):
    """The page's title is its only h1 and bodies sit under it, so a body's headings are
    kept within h2-h4 rather than dropped by the allowlist."""

    LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}

    def run(self, root):
        for element in root.iter():
            element.tag = self.LEVELS.get(element.tag, element.tag)


class _FitHeadingsExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_FitHeadings(md), "fit_headings", 5)


_parser: markdown.Markdown | None = None


def _markdown() -> markdown.Markdown:
    """One parser for the whole build, reset before each body: building one loads its
    extensions and registers every processor again, which cost more than converting a
    typical body. reset() forgets everything a previous body left (references, stashed
    HTML), so a body converts exactly as with a parser of its own."""
    global _parser
    if _parser is None:
        _parser = markdown.Markdown(
            extensions=["tables", "sane_lists", _FitHeadingsExtension()],
            output_format="html",
        )
    return _parser


# A block of running text that Markdown can only turn into one <p>: one line, trimmed,
# and no ASCII character but letters, digits, spaces and , % / (so no emphasis, link,
# HTML, entity, escape, list, heading, quote, code or table syntax can be in it).
_PLAIN_BLOCK = re.compile(r"[A-Za-z0-9 ,%/\u0080-\U0010ffff]*")


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown makes of `text` when it is only paragraphs of plain running
    text, which most bodies are, without running the parser; None for anything else."""
    blocks = text.split("\n\n")
    for block in blocks:
        if not block or block != block.strip() or not _PLAIN_BLOCK.fullmatch(block):
            return None
    return "\n".join(f"<p>{block}</p>" for block in blocks)


@functools.cache
def render(text: str) -> str:
    """Sanitised HTML for a Markdown body. Remembered: an incremental build assembles the
    whole model again for each publish, and only a changed body is new."""
    if not text.strip():
        return ""
    html = _plain_paragraphs(text)
    if html is None:
        html = _markdown().reset().convert(text)
    return sanitise(html)


def sanitise(html: str) -> str:
    return _cleaner.clean(html).strip()


def sanitise_with_absolute_links(html: str, page_url: str) -> tuple[str, list[str]]:
    """`html` cleaned against the same allowlist with every link made absolute against
    `page_url`, for a reader with no page to resolve a relative link against (a feed).
    Returns the HTML and the links that cannot be made absolute, which are left out."""
    broken: list[str] = []

    def absolute_href(tag: str, attribute: str, value: str) -> str | None:
        if attribute != "href":
            return value
        url = urls.absolute(page_url, value)
        if url is None:
            broken.append(value)
        return url

    cleaner = nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes={**ALLOWED_ATTRIBUTES, "th": {"scope"}},
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=absolute_href,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return cleaner.clean(html).strip(), broken
