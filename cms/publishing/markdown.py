"""Wagtail rich text (its database HTML) as Markdown for content/.

Wagtail's editor allows a small set of features (see RICH_TEXT_FEATURES); each has a
Markdown form. Anything else (markup pasted through the API, an unknown tag) keeps only
its text, so no markup the editor could not have made reaches the public site.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

SAFE_SCHEMES = {"http", "https", "mailto", ""}
# Characters Markdown would read as syntax inside running text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]>#])")
_LINE_START_BULLET = re.compile(r"^(\s*)([-+=])(?=\s|$)", re.MULTILINE)
_LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.MULTILINE)
# Anything escape() changes; most text has none of it and is returned as it is.
_NEEDS_ESCAPING = re.compile(r"[&<\\`*_\[\]>#]|^\s*[-+=](?:\s|$)|^\s*\d+[.)](?:\s|$)", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")
# The tags of most bodies: blocks, lists and emphasis without attributes. A body made only
# of these and text is split at them directly, as HTMLParser would split it (see
# _feed_simple); anything else (links, attributes, comments, scripts) goes through it.
_SIMPLE_TAG = re.compile(
    r"<(?:(p|h2|h3|h4|ul|ol|li|b|strong|i|em)|(br|hr)\s*/?|/(p|h2|h3|h4|ul|ol|li|b|strong|i|em))\s*>"
)

_LIST_ITEM = re.compile(r"\s*(- |\d+\. )")

LinkResolver = Callable[[str, dict], str | None]


def escape(text: str) -> str:
    if not _NEEDS_ESCAPING.search(text):
        return text
    # Markdown has no backslash escape for < and &; entities keep them literal.
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_BULLET.sub(r"\1\\\2", text)
    return _LINE_START_NUMBER.sub(r"\1\\\2", text)


# Characters a Markdown link destination written <like this> cannot hold, percent-encoded:
# left as they are, "<" and ">" end the destination early (a broken link, the rest of the
# address shown as text) and a backslash escapes the character after it.
_INVISIBLE = {"Cf", "Zs", "Zl", "Zp", "Cc"}
_DESTINATION_UNSAFE = {"<": "%3C", ">": "%3E", "\\": "%5C"}


def safe_href(href: str) -> str | None:
    """A link's address as content/ may carry it: http(s), mailto or relative only, no
    control characters or spaces, and the characters a Markdown destination cannot hold
    percent-encoded. None for anything else (the link then keeps only its text)."""
    href = href.strip()
    if any(ord(char) < 33 for char in href):
        return None
    scheme = urlsplit(href).scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    for char, encoded in _DESTINATION_UNSAFE.items():
        href = href.replace(char, encoded)
    # Invisible characters (bidi controls, zero-width joiners, byte-order marks, odd
    # spaces) would make an address read as another one, and no feed or URL parser
    # takes them: percent-encoded, they stay visible in the address.
    return "".join(
        quote(char) if unicodedata.category(char) in _INVISIBLE else char for char in href
    )


class _Converter(HTMLParser):
    BLOCKS = {"p": "", "h2": "## ", "h3": "### ", "h4": "#### "}

    def __init__(self, resolve_link: LinkResolver):
        super().__init__(convert_charrefs=True)
        self.resolve_link = resolve_link
        self.blocks: list[str | None] = []
        self.line: list[str] = []
        self.prefix = ""
        self.lists: list[list] = []  # [tag, counter]
        self.links: list[str | None] = []
        self.skip_depth = 0

    # Blocks
    def _flush(self):
        text = "".join(self.line).strip()
        if text:
            self.blocks.append(self.prefix + text)
        self.line, self.prefix = [], ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip_depth or tag in ("script", "style"):
            self.skip_depth += tag in ("script", "style")
            return
        if tag in self.BLOCKS:
            self._flush()
            self.prefix = self.BLOCKS[tag]
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self._flush()
            kind = self.lists[-1]
            kind[1] += 1
            indent = "    " * (len(self.lists) - 1)
            self.prefix = indent + (f"{kind[1]}. " if kind[0] == "ol" else "- ")
        elif tag == "hr":
            self._flush()
            self.blocks.append("---")
        elif tag == "br":
            self.line.append("  \n")
        elif tag in ("b", "strong"):
            self.line.append("**")
        elif tag in ("i", "em"):
            self.line.append("*")
        elif tag == "a":
            href = self.resolve_link(attrs.get("linktype", ""), attrs)
            self.links.append(href)
            if href:
                self.line.append("[")

    def handle_endtag(self, tag):
        if self.skip_depth:
            self.skip_depth -= tag in ("script", "style")
            return
        if tag in self.BLOCKS or tag == "li":
            self._flush()
        elif tag in ("ul", "ol") and self.lists:
            self._flush()
            self.lists.pop()
            if not self.lists:
                self.blocks.append(None)  # the next list is a new one
        elif tag in ("b", "strong"):
            self.line.append("**")
        elif tag in ("i", "em"):
            self.line.append("*")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.line.append(f"](<{href}>)")

    def handle_data(self, data):
        if self.skip_depth:
            return
        self.line.append(escape(_WHITESPACE.sub(" ", data)))

    def close(self):
        super().close()
        self._flush()


def to_markdown(html: str, resolve_link: LinkResolver) -> str:
    """Markdown for Wagtail database HTML; `resolve_link(linktype, attrs)` returns the public
    href of a link, or None to keep only its text."""
    converter = _Converter(resolve_link)
    if not _feed_simple(converter, html or ""):
        converter.feed(html or "")
    converter.close()
    text, in_list, list_ended = "", False, False
    for block in converter.blocks:
        if block is None:
            in_list, list_ended = False, True
            continue
        item = bool(_LIST_ITEM.match(block))
        # Items of one list stay together; every other block is a paragraph. Two lists in
        # a row need a comment between them, or Markdown reads them as one.
        if item and in_list:
            separator = "\n"
        elif item and list_ended:
            separator = "\n\n<!-- -->\n\n"
        else:
            separator = "\n\n"
        text += separator + block if text else block
        in_list, list_ended = item, False
    return text


def _feed_simple(converter: _Converter, html: str) -> bool:
    """Feed `html` to the converter tag by tag if it has only _SIMPLE_TAG tags, calling
    its handlers as HTMLParser would (text between tags unescaped, a self-closing br or hr
    a start and an end tag); False, having fed nothing, for any other markup. Several
    times faster than HTMLParser, which tries every rule of HTML at each character."""
    tags = list(_SIMPLE_TAG.finditer(html))
    if html.count("<") != len(tags):
        return False
    position = 0
    for tag in tags:
        if tag.start() > position:
            converter.handle_data(unescape(html[position : tag.start()]))
        start, empty, end = tag.groups()
        if start:
            converter.handle_starttag(start, [])
        elif empty:
            converter.handle_starttag(empty, [])
            converter.handle_endtag(empty)
        else:
            converter.handle_endtag(end)
        position = tag.end()
    if position < len(html):
        converter.handle_data(unescape(html[position:]))
    return True
