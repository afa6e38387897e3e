"""What each build writes for nginx beside the site: the marker tree of withdrawn paths (one
empty `410` file each), and compressed copies of the text files."""

import json

import pytest

from cms.publishing import atomic


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
