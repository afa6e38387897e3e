"""Building a site both ways, in full with the real Pelican and incrementally, and changing
the fixture content the way the CMS's export would; shared by the incremental tests."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sitebuild import BUILD_DATE, PELICANCONF, tree_differences

from gongshi.contract import dump, load
from gongshi_site import atomic, shared_dirs


def full_build(content: Path, build_dir: Path, build_date: str = BUILD_DATE) -> Path:
    """Pelican in a subprocess, as the worker runs it: output/, search/ and the pages'
    reads (reads/) of build_dir."""
    environment = {
        "GONGSHI_BUILD_DATE": build_date,
        "GONGSHI_SEARCH_DIR": str(build_dir / "search"),
        "GONGSHI_STATE_DIR": str(build_dir / atomic.STATE),
    }
    atomic.run_pelican(content, build_dir / "output", PELICANCONF, 300, environment)
    return build_dir


def open_state(content: Path, build_dir: Path, build_date: str = BUILD_DATE):
    from gongshi_site.incremental import SiteState, open_generator

    generator = open_generator(
        PELICANCONF, content, build_dir / "output", {"GONGSHI_BUILD_DATE": build_date}
    )
    return SiteState.load(
        generator, build_dir / "output", build_dir / "search", state_dir=build_dir / atomic.STATE
    )


def read(content: Path, name: str) -> tuple[dict, str]:
    return load((content / name).read_text(encoding="utf-8"), name)


def write(content: Path, name: str, document: dict, body: str = "") -> str:
    """Write a document as a new file (never through a hard link); returns its name. The
    fixture's 索引号 end with their item's id: a copy under a new id gets that id's."""
    if "index_number" in document:
        prefix, _dash, _sequence = document["index_number"].rpartition("-")
        document = {**document, "index_number": f"{prefix}-{document['id']:05d}"}
    path = content / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    path.write_text(dump(document, body, path=f"content/{name}"), encoding="utf-8")
    return name


def new_notice(
    content: Path,
    item_id: int,
    *,
    signed: str,
    start: str,
    end: str,
    published: str,
    title: str = "示例市市长质量奖候选名单公示",
    more_body: str = "",
) -> str:
    """A new notice, a copy of the fixture's notice 33 under `item_id`, signed on the day
    `signed`, published at the moment `published`, its period `start` to `end`; returns
    its file's name."""
    document, body = read(content, "notices/33.md")
    document = as_json(document)
    document.update(
        id=item_id,
        uuid=f"00000000-0000-4000-8000-{item_id:012d}",
        title=f"{title}（{item_id}）",
        document_number=f"示质办〔{signed[:4]}〕{item_id}号",
        date_signed=signed,
        first_published_at=published,
        last_published_at=published,
        start_date=start,
        end_date=end,
        attachments=[],
        changes=[{"published_at": published, "note": "首次发布", "is_major": True}],
    )
    return write(content, f"notices/{item_id}.md", document, body + more_body)


def remove(content: Path, name: str) -> str:
    (content / name).unlink()
    return name


def tree_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(shared_dirs.files(root))
    }


def index_differences(expected: Path, actual: Path) -> list[str]:
    """The live documents of two indexes compared by stored fields and by terms."""
    from gongshi.search.incremental import indexed_terms, stored_documents

    problems = []
    documents_expected, documents_actual = stored_documents(expected), stored_documents(actual)
    for key in sorted(documents_expected.keys() ^ documents_actual.keys()):
        problems.append(f"only in one index: {key}")
    for key in sorted(documents_expected.keys() & documents_actual.keys()):
        if documents_expected[key] != documents_actual[key]:
            problems.append(f"stored fields differ: {key}")
    terms_expected, terms_actual = indexed_terms(expected), indexed_terms(actual)
    for key in sorted(terms_expected.keys() | terms_actual.keys()):
        if terms_expected.get(key) != terms_actual.get(key):
            problems.append(f"terms differ: {key}")
    for name in sorted(os.listdir(expected)):
        if name.endswith((".json", ".html")) or name == "READY":
            if (expected / name).read_bytes() != (actual / name).read_bytes():
                problems.append(f"differs: search/{name}")
    return problems


def differences(expected_build: Path, actual_build: Path) -> list[str]:
    return tree_differences(expected_build / "output", actual_build / "output") + (
        index_differences(expected_build / "search", actual_build / "search")
    )


def as_json(document: dict) -> dict:
    """A deep copy of a content document, to change without touching the original."""
    return json.loads(json.dumps(document, ensure_ascii=False))
