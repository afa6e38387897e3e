"""The publication log (公开记录) on the site: the files that let anyone audit it.

    /record/head.json                  the signed tree head (size, root, time, key)
    /record/entries/<n>.json           the entries, PAGE_SIZE a file, as the CMS wrote them
    /<kind>/<id>/record.json           beside each item: its entries, each with its
                                       inclusion proof against the head it names
    /<kind>/<id>/document.md           the item's content/ file, whose SHA-256 the log holds

The build checks the log first (gongshi.record.heads.check_log) and stops if it does not
verify: a site whose log is not the signed one is not published. An incremental build
rewrites the files of the items with new entries only; the others keep proofs against an
older head, which the current one extends (a consistency proof shows it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gongshi.contract.schema import DIRECTORIES
from gongshi.record import heads, merkle

from . import urls

HEAD = "record/head.json"
DOCUMENT_KINDS = ("call", "notice", "decision", "revocation")
PAGE_SIZE = 1000  # entries per page, as cms.recordlog.export writes them


@dataclass
class Log:
    head: dict
    entries: list[bytes]
    tree: merkle.Tree
    # Each URL's entries, parsed when first asked for; an incremental build starts from
    # the previous log's and parses only the new entries (extend()).
    _by_url: dict[str, list[dict]] | None = field(default=None, repr=False)
    _parsed: int = 0

    def by_url(self) -> dict[str, list[dict]]:
        if self._by_url is None:
            self._by_url = {}
        for data in self.entries[self._parsed :]:
            entry = json.loads(data)
            self._by_url.setdefault(entry["url"], []).append(entry)
        self._parsed = len(self.entries)
        return self._by_url

    def entries_of(self, url: str) -> list[dict]:
        return self.by_url().get(url, [])

    def extend(self, previous: Log) -> None:
        """Take over what `previous` (a prefix of this log, checked, and dropped after
        this) parsed."""
        if previous._by_url is not None and self._by_url is None:
            self._by_url, self._parsed = previous._by_url, previous._parsed


def read_log(content_path: Path, checked: int = 0, previous: Log | None = None) -> Log | None:
    """The log in content/record/, checked against its signed head; None without one.
    `checked`: entries before it are covered by a head checked before (heads.check_log).
    `previous`: that head's log, checked (an incremental build's): only the pages from
    the one holding its last entry are read, their entries under it must be its own, and
    its entries and tree are extended in place (it is not to be used after this).
    Raises heads.RecordInvalid."""
    head_file = Path(content_path) / HEAD
    if not head_file.is_file():
        return None
    head = json.loads(head_file.read_text(encoding="utf-8"))
    if previous is not None and previous.tree.size == checked == len(previous.entries):
        first = checked // PAGE_SIZE
        entries, tree = previous.entries, previous.tree
        read = _pages(content_path, first)
        start = first * PAGE_SIZE
        if read[: checked - start] != entries[start:checked]:
            raise heads.RecordInvalid(
                f"第 {start} 至 {checked - 1} 条记录与上次发布的不同：记录被改动"
            )
        new = read[checked - start :]
        entries.extend(new)
        tree.extend([merkle.leaf_hash(entry) for entry in new])
    else:
        entries, tree = _pages(content_path, 0), None
    tree = heads.check_log(entries, head, checked=min(checked, len(entries)), tree=tree)
    return Log(head, entries, tree)


def _pages(content_path: Path, first: int) -> list[bytes]:
    """The entries of the pages from number `first` on."""
    entries: list[bytes] = []
    number = first
    while (page := Path(content_path) / f"record/entries/{number}.json").is_file():
        entries.extend(text.encode() for text in json.loads(page.read_text(encoding="utf-8")))
        number += 1
    return entries


def outputs(log: Log, documents: dict[str, Path], since: int = 0) -> dict[str, bytes]:
    """{site path: bytes} of the log's files. `documents`: {item URL: its content/ file}
    whose document.md to write; `since`: only items with entries from this one on."""
    tree = log.tree
    files = {"/" + HEAD: _json(log.head)}
    by_url = log.by_url()
    urls_now = {json.loads(data)["url"] for data in log.entries[since:]} if since else by_url
    for url in urls_now:
        indices = [entry["index"] for entry in by_url[url]]
        files[url + "record.json"] = _json(
            {
                "head": log.head,
                "entries": [
                    {
                        "index": index,
                        "entry": log.entries[index].decode(),
                        "proof": [node.hex() for node in tree.inclusion_proof(index)],
                    }
                    for index in indices
                ],
            }
        )
    for url, path in documents.items():
        files[url + "document.md"] = path.read_bytes()
    return files


def entry_files(content_path: Path, since: int = 0) -> dict[str, bytes]:
    """The entry pages as the CMS wrote them, from the one holding entry `since` on."""
    files = {}
    for page in Path(content_path).glob("record/entries/*.json"):
        if int(page.stem) >= since // PAGE_SIZE:
            files[f"/record/entries/{page.name}"] = page.read_bytes()
    return files


def documents_of(content) -> dict[str, Path]:
    """{URL: content/ file} of every document read (reader.Content)."""
    return {
        urls.document(kind, source.document["id"]): source.path
        for kind in DOCUMENT_KINDS
        for source in content.of(kind)
    }


def url_of_file(name: str) -> str | None:
    """The item URL of a document's path under content/ (notices/12.md), else None."""
    directory, _, file = name.partition("/")
    kinds = {DIRECTORIES[kind]: kind for kind in DOCUMENT_KINDS}
    if directory in kinds and file.endswith(".md") and file[:-3].isdigit():
        return urls.document(kinds[directory], int(file[:-3]))
    return None


def _json(value) -> bytes:
    # Compact: indenting would take json's pure-Python encoder, ten times slower.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
