"""What each build writes for nginx beside the site: the marker tree of withdrawn paths (one
empty `410` file each), and compressed copies of the text files."""

import json

import pytest

from gongshi_site import atomic


def write_output(tmp_path, items):
    output = tmp_path / "output"
    output.mkdir()
    (output / "withdrawn.json").write_text(json.dumps(items), encoding="utf-8")
    return output


def test_each_withdrawn_path_gets_a_marker_beside_the_output(tmp_path):
    output = write_output(tmp_path, [{"path": "/notices/36/"}, {"path": "/decisions/7/"}])
    assert atomic.write_withdrawn_markers(output, tmp_path / "withdrawn") == 2
    markers = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("410"))
    assert markers == ["withdrawn/decisions/7/410", "withdrawn/notices/36/410"]
    assert not list(output.rglob("410"))  # nothing new is published


def test_no_withdrawn_json_means_an_empty_tree(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    assert atomic.write_withdrawn_markers(output, tmp_path / "withdrawn") == 0
    assert (tmp_path / "withdrawn").is_dir()


@pytest.mark.parametrize("path", ["/", "/notices/../../etc/", "/./x/"])
def test_a_path_that_leaves_the_tree_fails_the_build(tmp_path, path):
    output = write_output(tmp_path, [{"path": path}])
    with pytest.raises(atomic.BuildFailed):
        atomic.write_withdrawn_markers(output, tmp_path / "withdrawn")


def test_text_files_get_a_compressed_copy_with_the_same_time(tmp_path):
    import gzip
    import os

    page = tmp_path / "notices" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>公示</p>" * 200, encoding="utf-8")
    os.utime(page, (1_700_000_000, 1_700_000_000))
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" * 100)
    (tmp_path / "tiny.json").write_text("{}")
    assert atomic.precompress(tmp_path) == 1
    packed = page.with_name("index.html.gz")
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    assert packed.stat().st_mtime == page.stat().st_mtime
    assert not (tmp_path / "logo.png.gz").exists() and not (tmp_path / "tiny.json.gz").exists()


@pytest.mark.parametrize("size", [0, 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345])
def test_large_files_are_gzipped_in_pieces_that_read_as_one_stream(size):
    import gzip
    import random
    import zlib

    words = ["公示", "质量奖", "撤销", '"id": ', "\n    ", "0123456789"]
    generator = random.Random(size)
    text = "".join(generator.choice(words) for _ in range(size // 2 + 1)).encode()[:size]
    packed = atomic.gzip_bytes(text)
    assert gzip.decompress(packed) == text
    reader = zlib.decompressobj(wbits=31)  # one gzip member, nothing after it
    assert reader.decompress(packed) == text and reader.eof and not reader.unused_data
    if size <= 1 << 20:
        assert packed == gzip.compress(text, compresslevel=6, mtime=0)


def test_a_large_file_written_again_deflates_only_its_changed_pieces(monkeypatch):
    import gzip
    import zlib

    piece = atomic.GZIP_PIECE
    before = b"".join(b"%09d," % number for number in range(piece * 35 // 100))  # 3.4 pieces
    after = before + b'{"id": 90000001, "title": "\xe5\x85\xac\xe7\xa4\xba"}'
    atomic.gzip_bytes(before)
    atomic._gzip_pieces.next_pass()  # as compress_all() does after a build
    deflated = []
    compressobj = zlib.compressobj
    monkeypatch.setattr(
        zlib, "compressobj", lambda *arguments: deflated.append(1) or compressobj(*arguments)
    )
    packed = atomic.gzip_bytes(after)
    assert gzip.decompress(packed) == after
    assert len(deflated) == 1  # the last piece; the three before it were kept
    monkeypatch.undo()
    assert packed == fresh_gzip(after)


def fresh_gzip(data: bytes) -> bytes:
    """gzip_bytes() in a process that kept nothing: the same bytes."""
    atomic._gzip_pieces.next_pass()
    atomic._gzip_pieces.next_pass()
    return atomic.gzip_bytes(data)
