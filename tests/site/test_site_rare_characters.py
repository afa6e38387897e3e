"""生僻字: the build subsets a font to exactly the rare characters the content uses and
serves it with their unicode-range; a publish that brings a new one gets its glyph, by
the incremental build as by a full one. The source font here is one made for the test
(tests need no font package); tests/browser/test_public_site_rules.py draws the real one."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from incremental_support import read, write
from sitebuild import FIXTURE_CONTENT, PELICANCONF, REPOSITORY

from gongshi_site import atomic

HAS = "堃𠀀𪚥"  # what the test font draws
RARE_NAME = "示例堃𠀀科技有限公司"


def make_font(path: Path, characters: str) -> Path:
    """A TrueType font with a square glyph for each of `characters`, fixed timestamps."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"u{ord(c):X}" for c in characters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"u{ord(c):X}" for c in characters})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 800))
        pen.lineTo((900, 800))
        pen.lineTo((900, 0))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Test Han", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.font["head"].created = builder.font["head"].modified = 3_000_000_000
    builder.save(str(path))
    return path


@pytest.fixture(scope="module")
def font(tmp_path_factory) -> Path:
    return make_font(tmp_path_factory.mktemp("font") / "TestHan.ttf", HAS)


def with_rare_name(content: Path, name: str = RARE_NAME) -> Path:
    """The fixture, its first notice's first entry renamed to `name`."""
    if not content.exists():
        shutil.copytree(FIXTURE_CONTENT, content)
    document, body = read(content, "notices/32.md")
    document["entries"][0]["name"] = name
    write(content, "notices/32.md", document, body)
    return content


def full_build(content: Path, output: Path, font: Path) -> Path:
    environment = {"GONGSHI_BUILD_DATE": "2024-06-12", "GONGSHI_RARE_FONTS": str(font)}
    atomic.run_pelican(content, output, PELICANCONF, 300, environment)
    return output


def served_characters(output: Path) -> tuple[str, set[int]]:
    """(the stylesheet's unicode-ranges, the code points its fonts map)."""
    from fontTools.ttLib import TTFont

    css = (output / "fonts" / "rare.css").read_text(encoding="utf-8")
    mapped = set()
    for url in re.findall(r'url\("(/fonts/rare-[0-9a-f]+\.woff2)"\)', css):
        data = (output / url.lstrip("/")).read_bytes()
        mapped |= set(TTFont(io.BytesIO(data)).getBestCmap())
    return " ".join(re.findall(r"unicode-range: ([^;]+);", css)), mapped


def test_the_rare_characters_are_found_and_the_common_ones_are_not():
    from gongshi_site.rarechars import rare_characters, unicode_range

    text = "运城市堃源示范化工有限公司，衡阳𠀀样例；李堃 ABC 〔2023〕 𪚥"
    assert rare_characters(text) == {"堃", "𠀀", "𪚥"}
    assert unicode_range(rare_characters(text) | {"𠀁"}) == "U+5803, U+20000-20001, U+2A6A5"


def test_the_font_served_holds_exactly_the_rare_characters_used(tmp_path, font):
    output = full_build(with_rare_name(tmp_path / "content"), tmp_path / "output", font)
    ranges, mapped = served_characters(output)
    assert ranges == "U+5803, U+20000"
    assert mapped == {0x5803, 0x20000}  # not 𪚥: no page uses it
    for woff2 in (output / "fonts").glob("*.woff2"):
        assert woff2.stat().st_size < 4096
    page = (output / "notices/32/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/fonts/rare.css">' in page and RARE_NAME in page


def test_a_character_no_font_has_is_named_in_the_log_and_the_build_goes_on(tmp_path, font):
    content = with_rare_name(tmp_path / "content", "示例𠀀𠀂有限公司")  # 𠀂: not in the font
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(tmp_path / "output"),
            "-s",
            str(PELICANCONF),
        ],
        cwd=REPOSITORY,
        env={**os.environ, "GONGSHI_BUILD_DATE": "2024-06-12", "GONGSHI_RARE_FONTS": str(font)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    assert "没有字体含有这些生僻字" in finished.stdout + finished.stderr
    assert "𠀂" in finished.stdout + finished.stderr
    ranges, mapped = served_characters(tmp_path / "output")
    assert ranges == "U+20000" and mapped == {0x20000}


def test_a_publish_with_a_new_rare_character_gets_its_glyph_as_a_full_build_would(tmp_path, font):
    from gongshi_site.incremental import SiteState, open_generator
    from gongshi_site.linked_tree import link_tree

    first = tmp_path / "first"
    with_rare_name(first / "content")
    full_build(first / "content", first / "output", font)
    environment = {"GONGSHI_BUILD_DATE": "2024-06-12", "GONGSHI_RARE_FONTS": str(font)}
    generator = open_generator(PELICANCONF, first / "content", first / "output", environment)
    state = SiteState.load(generator, first / "output", None)

    second = tmp_path / "second"
    link_tree(first / "content", second / "content")
    document, body = read(second / "content", "notices/33.md")
    document["entries"][0]["name"] = "示例𪚥材料有限公司"
    changed = write(second / "content", "notices/33.md", document, body)
    state.update(second / "content", [changed], second / "output")
    ranges, mapped = served_characters(second / "output")
    assert ranges == "U+5803, U+20000, U+2A6A5"
    assert mapped == {0x5803, 0x20000, 0x2A6A5}

    expected = tmp_path / "expected"
    shutil.copytree(second / "content", expected / "content")
    full_build(expected / "content", expected / "output", font)
    # The same stylesheet and fonts as a full build of the same content (the previous
    # font may stay beside them, linked from no page).
    css = (expected / "output/fonts/rare.css").read_text(encoding="utf-8")
    assert (second / "output/fonts/rare.css").read_text(encoding="utf-8") == css
    for url in re.findall(r'url\("/(fonts/rare-[0-9a-f]+\.woff2)"\)', css):
        assert (second / "output" / url).read_bytes() == (expected / "output" / url).read_bytes()


def test_the_same_characters_give_the_same_bytes_in_every_process(tmp_path, font):
    """A restored database builds the site it backed up, byte for byte (hash seeds vary)."""
    script = (
        "import sys; from pathlib import Path;"
        "from gongshi_site.rarechars import subset_font;"
        "sys.stdout.buffer.write(subset_font(Path(sys.argv[1]), '堃𠀀'))"
    )
    outputs = set()
    for seed in ("1", "2"):
        finished = subprocess.run(
            [sys.executable, "-c", script, str(font)],
            env={
                **os.environ,
                "PYTHONHASHSEED": seed,
            },
            capture_output=True,
            check=True,
        )
        outputs.add(finished.stdout)
    assert len(outputs) == 1
