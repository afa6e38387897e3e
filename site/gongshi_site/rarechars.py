"""The rare characters (生僻字) of the site, drawn for every reader.

Names of people and companies are written with characters that many readers' fonts lack:
CJK Extension B and beyond (𠀀), and characters outside GB 2312 (堃). A reader whose fonts
lack one sees an empty box instead of a name. So every build subsets a font that has
them to exactly the rare characters the content uses, and serves it from the site itself:

    /fonts/rare.css                 @font-face rules of the "Gongshi Rare" family, each
                                    with the unicode-range of the characters it draws
    /fonts/rare-<digest>.woff2      one subset per source font, named for its bytes

The theme names "Gongshi Rare" first in its font stack (site.css): a browser uses it
only for the characters of its unicode-range, and downloads a face only when a page holds
one of them. (Named after the system fonts instead, as a fallback, Chromium kept the
fallback box in table cells laid out before the font had loaded.) The source fonts are 花園明朝 A and B (Hanazono Mincho, Debian's
fonts-hanazono; GlyphWiki Project, under the Hanazono Font License, or at the user's
choice the SIL Open Font License 1.1): A covers the Basic Multilingual Plane and
Extension A, B the planes of Extension B to F. The subsets are renamed, as the OFL asks
of a modified font. docs/adr/0028-rare-characters-font.md has the figures.

A character no source font has is left out and named in the build's log; the build
goes on (a publicity notice must not wait for a font).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)

FAMILY = "Gongshi Rare"
CSS_URL = "/fonts/rare.css"

# Code points of CJK ideographs: Extension A, the unified block, the compatibility
# blocks, and the supplementary planes' extensions B to H.
_IDEOGRAPHS = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)


def _gb2312() -> frozenset[str]:
    """Every character of GB 2312, which every Chinese font has."""
    characters = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(characters)


_COMMON = _gb2312()


def _is_ideograph(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in _IDEOGRAPHS)


def rare_characters(text: str) -> frozenset[str]:
    """The CJK ideographs of `text` that are not in GB 2312."""
    return frozenset(c for c in set(text) - _COMMON if _is_ideograph(c))


def font_files(
    characters: Iterable[str], sources: Iterable[Path], cache: Path | None = None
) -> dict[str, bytes]:
    """{site path: bytes} of the stylesheet and the subset fonts drawing `characters`,
    each character from the first of `sources` that has it. The same characters and
    fonts give the same bytes; `cache` keeps the subsets between builds."""
    wanted = tuple(sorted(set(characters)))
    fonts = tuple((str(path), _stamp(Path(path))) for path in sources)
    return dict(_font_files(wanted, fonts, str(cache) if cache else None))


def _stamp(path: Path) -> tuple[int, int] | None:
    """What changes when a source font is replaced (a new Debian package)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


@functools.lru_cache(maxsize=8)
def _font_files(
    wanted: tuple[str, ...], fonts: tuple[tuple[str, tuple | None], ...], cache: str | None
) -> tuple[tuple[str, bytes], ...]:
    remaining = list(wanted)
    faces = []  # (url, bytes, characters, source)
    for path, stamp in fonts:
        if not remaining or stamp is None:
            continue
        covered = _covered(path, stamp, tuple(remaining))
        if covered:
            data = _subset(path, stamp, covered, cache)
            digest = hashlib.sha256(data).hexdigest()[:16]
            faces.append((f"/fonts/rare-{digest}.woff2", data, covered, Path(path).name))
            remaining = [character for character in remaining if character not in covered]
    if remaining:
        logger.warning(
            "没有字体含有这些生僻字，读者可能看到方框：%s（字体：%s）",
            "".join(remaining),
            "、".join(path for path, _stamp in fonts) or "未配置",
        )
    files = [(CSS_URL, _stylesheet(faces).encode("utf-8"))]
    files += [(url, data) for url, data, _characters, _source in faces]
    return tuple(files)


@functools.lru_cache(maxsize=8)
def _cmap(path: str, stamp: tuple) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _covered(path: str, stamp: tuple, characters: tuple[str, ...]) -> tuple[str, ...]:
    cmap = _cmap(path, stamp)
    return tuple(character for character in characters if ord(character) in cmap)


def _subset(path: str, stamp: tuple, characters: tuple[str, ...], cache: str | None) -> bytes:
    key = hashlib.sha256(repr((Path(path).name, stamp, characters)).encode()).hexdigest()
    kept = Path(cache) / "rare-fonts" / f"{key}.woff2" if cache else None
    if kept is not None and kept.is_file():
        return kept.read_bytes()
    data = subset_font(Path(path), characters)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(kept)
    return data


def subset_font(path: Path, characters: Iterable[str]) -> bytes:
    """A WOFF2 font with the glyphs of `characters` from the font at `path`, renamed."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []  # one glyph per character: no shaping to keep
    options.name_IDs = [0, 13, 14]  # copyright and licence; the names are set below
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps
    # The source's timestamp kept: the same characters give the same bytes on every build.
    with TTFont(path, lazy=True, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(character) for character in characters])
        subsetter.subset(font)
        _rename(font, path.stem)
        font.flavor = "woff2"
        output = io.BytesIO()
        font.save(output, reorderTables=False)
    return output.getvalue()


def _rename(font, source: str) -> None:
    """Another name than the source's (the OFL reserves 花園明朝, HanaMinA, HanaMinB)."""
    name = font["name"]
    family = FAMILY
    full = f"{FAMILY} ({source} subset)"
    postscript = f"GongshiRare-{''.join(c for c in source if c.isalnum())}"
    for record_id, value in ((1, family), (2, "Regular"), (3, full), (4, full), (6, postscript)):
        name.setName(value, record_id, 3, 1, 0x409)


def _stylesheet(faces) -> str:
    lines = [
        "/* 生僻字: the rare characters this site uses, drawn from subsets of 花園明朝",
        "   (Hanazono Mincho, GlyphWiki Project; Hanazono Font License or SIL OFL 1.1).",
        "   Made by the site build: site/gongshi_site/rarechars.py. */",
    ]
    for url, _data, characters, source in faces:
        lines += [
            "@font-face {",
            f'  font-family: "{FAMILY}";',
            f'  src: url("{url}") format("woff2");',
            f"  unicode-range: {unicode_range(characters)};",
            "  font-display: swap;",
            "}",
            f"/* {source}: {''.join(characters)} */",
        ]
    return "\n".join(lines) + "\n"


def unicode_range(characters: Iterable[str]) -> str:
    """The CSS unicode-range of `characters`, runs of code points as ranges."""
    codes = sorted({ord(character) for character in characters})
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(f"U+{low:X}" if low == high else f"U+{low:X}-{high:X}" for low, high in runs)
