"""Reading built pages with html.parser, for the tests' checks on markup."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class ParsedPage:
    path: Path
    elements: list[Element] = field(default_factory=list)
    script_texts: list[str] = field(default_factory=list)

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.elements if element.tag == tag]


class _Collector(HTMLParser):
    def __init__(self, page: ParsedPage):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.page.elements.append(element)
        if tag not in {"meta", "link", "br", "hr", "img", "input", "col", "rect", "path"}:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.page.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.open:
            element = self.open.pop()
            if element.tag == tag:
                if tag == "script":
                    self.page.script_texts.append(element.text)
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def parse(path: Path) -> ParsedPage:
    page = ParsedPage(path)
    collector = _Collector(page)
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return page


def html_pages(root: Path) -> list[ParsedPage]:
    return [parse(path) for path in sorted(root.rglob("*.html"))]


# The only forms the theme has: GET forms to the search service (docs/search.md).
SEARCH_FORM_ACTIONS = {"/search/", "/verify/"}


def _our_search_form(element) -> bool:
    return (
        element.tag == "form"
        and element.attrs.get("action") in SEARCH_FORM_ACTIONS
        and (element.attrs.get("method") or "").lower() == "get"
    )


# An award's credential page shows its own QR code and badge (site/gongshi_site/
# credentials.py), both SVG files of the site under /v/<code>/.
CREDENTIAL_IMAGE = re.compile(r"/v/[A-Z2-7]{5}-[A-Z2-7]{5}/(qr|badge)\.svg")


def _our_credential_image(element) -> bool:
    return element.tag == "img" and bool(CREDENTIAL_IMAGE.fullmatch(element.attrs.get("src") or ""))


def executable_markup(page: ParsedPage) -> list[str]:
    """Everything in a page that could run code other than our own /theme/js files."""
    problems = []
    for element in page.elements:
        if element.tag == "script" and not (element.attrs.get("src") or "").startswith(
            "/theme/js/"
        ):
            problems.append(f"script element {element.attrs}")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{element.tag}>")
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                scheme = "".join((value or "").split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    problems.append(f"{name}={value!r} on <{element.tag}>")
        if element.tag in {"iframe", "object", "embed", "img", "form", "style", "base"}:
            if not (_our_search_form(element) or _our_credential_image(element)):
                problems.append(f"<{element.tag}> element")
    problems += [f"inline script {text[:40]!r}" for text in page.script_texts if text.strip()]
    return problems
