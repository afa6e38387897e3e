"""Award credentials (获奖证书核验码): a stable code per award, its page, QR code and badge.

    /v/<code>/            the credential page, small enough for a phone that scanned the QR
    /v/<code>/qr.svg      the QR code of that page's address, for the certificate or plaque
    /v/<code>/badge.svg   a badge for the winner's own website (an image, no script), which
                          says 已撤销 or 已过期 once that is so

The code is derived from the award's permanent identity (its decision's uuid and its own
id), so it never changes and needs no table: SHA-256, the first 50 bits in base32, as
XXXXX-XXXXX. A code is no secret; what makes a certificate unforgeable is that its code
opens, on this site, the page of that very award, with its live status. A revoked award's
code keeps working and says so (docs/adr/0033-award-credentials.md).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import xml.etree.ElementTree as ET

import qrcode
import qrcode.image.svg

from . import urls
from .memo import Memo
from .model import Award

SVG = "http://www.w3.org/2000/svg"
COLOURS = {"valid": "#1a7f37", "expired": "#6e6e6e", "revoked": "#b42318"}


def code(award: Award) -> str:
    digest = hashlib.sha256(f"{award.decision.uuid}/{award.id}".encode()).digest()
    letters = base64.b32encode(digest).decode()[:10]
    return f"{letters[:5]}-{letters[5:]}"


def page_url(award: Award) -> str:
    return urls.credential(code(award))


def qr_svg(address: str) -> bytes:
    """The QR code of `address` as SVG paths (the qrcode library; about 8 ms each, so a
    build makes it in its writing processes and a publish only for a new address:
    qr_codes())."""
    image = qrcode.make(
        address,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=2,
    )
    output = io.BytesIO()
    image.save(output)
    return output.getvalue()


def badge_svg(award: Award) -> bytes:
    """A 220×56 badge: the programme and year, and the status in its colour."""
    ET.register_namespace("", SVG)
    status = award.status
    label = f"{award.programme.title} {award.year}年度"
    svg = ET.Element(
        f"{{{SVG}}}svg",
        {"width": "220", "height": "56", "viewBox": "0 0 220 56", "role": "img"},
    )
    ET.SubElement(svg, f"{{{SVG}}}title").text = f"{label}：{award.recipient}（{status.label}）"
    ET.SubElement(
        svg,
        f"{{{SVG}}}rect",
        {"width": "220", "height": "56", "rx": "6", "fill": "#fff", "stroke": "#c9c9c9"},
    )
    ET.SubElement(
        svg,
        f"{{{SVG}}}rect",
        {"x": "150", "width": "70", "height": "56", "rx": "6", "fill": COLOURS[status.key]},
    )
    text = {"font-family": "sans-serif", "font-size": "12", "fill": "#1b1b1b"}
    ET.SubElement(svg, f"{{{SVG}}}text", {"x": "10", "y": "23", **text}).text = _fit(
        award.programme.title, 11
    )
    ET.SubElement(
        svg, f"{{{SVG}}}text", {"x": "10", "y": "42", **text}
    ).text = f"{award.year}年度 · {award.level}"[:12]
    status_text = {**text, "fill": "#fff", "font-size": "14", "text-anchor": "middle"}
    ET.SubElement(svg, f"{{{SVG}}}text", {"x": "185", "y": "33", **status_text}).text = status.label
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True)


def _fit(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


class SameCode(ValueError):
    """Two awards would share a code: one's page would be the other's."""


def lookup(awards: list[Award]) -> dict[str, dict]:
    """{code: what 核验 answers for it} of every award, for the search service, which
    looks a typed code up here (gongshi/search/credential_codes.py). Raises SameCode if two
    awards' codes are equal (50 bits make it as likely as guessing a lottery twice, but
    the build refuses rather than show one award's page for the other's code)."""
    found: dict[str, dict] = {}
    for award in awards:
        key = code(award)
        if key in found:
            raise SameCode(f"两个奖项的核验码相同（{key}），站点未发布：请联系技术人员")
        found[key] = {
            "url": urls.credential(key),
            "recipient": award.recipient,
            "programme_title": award.programme.title,
            "year": award.year,
            "level": award.level,
        }
    return found


def qr_codes(awards: list[Award], base_url: str, memo: Memo | None = None) -> dict[str, str]:
    """{site path of every award's QR code: the address it encodes}. The address never
    changes for an award, so neither does its QR code: an incremental build makes the
    codes of new addresses only (incremental_files.py), and with its `memo` does not
    work out the address of an award it knows again."""
    memo = memo or Memo()
    codes = {}
    for award in awards:
        path, address = memo.keyed(
            ("qr code", award.id),
            (award.decision.uuid, award.id, base_url),
            functools.partial(_qr_code_file, award, base_url),
        )
        codes[path] = address
    if len(codes) < len(awards):
        lookup(awards)  # two awards at one address: raises SameCode, naming the code
    return codes


def _qr_code_file(award: Award, base_url: str) -> tuple[str, str]:
    url = page_url(award)
    return url + "qr.svg", urls.absolute(base_url, url) or url


def badges(awards: list[Award], memo: Memo | None = None) -> dict[str, bytes]:
    """{site path: bytes} of every award's badge, which shows its status of today. With
    an incremental build's `memo`, a badge is drawn again only if what it shows (or its
    address) changed: drawing every badge was most of a publish's work on files."""
    memo = memo or Memo()
    found = {}
    for award in awards:
        status = award.status
        shown = (award.programme.title, award.year, award.level, award.recipient)
        path, data = memo.keyed(
            ("badge", award.id),
            (award.decision.uuid, award.id, status.key, status.label, *shown),
            functools.partial(_badge_file, award),
        )
        found[path] = data
    return found


def _badge_file(award: Award) -> tuple[str, bytes]:
    return page_url(award) + "badge.svg", badge_svg(award)
