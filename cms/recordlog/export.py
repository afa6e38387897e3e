"""The log's files in a build's content/: the site publishes them as they are.

    content/record/head.json            the signed tree head of every entry so far
    content/record/entries/<n>.json     entries n*PAGE_SIZE ... as a JSON list of their texts

Each build signs a head over every entry (dated by its last entry), after checking that
the entries make the tree it signs and that the previous build's head is a prefix of it:
a log rewritten in the database (an edited or removed row) fails the build, and the
public site stays as it was (ADR 0031). A full build reads every entry; a publish's build
reads only the last page's and extends the tree this process checked for the live head,
so that its cost follows the change (a row rewritten in an earlier page is not
republished by it, and the next full build fails on it).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gongshi.record import heads, merkle

from . import appending, keys
from .models import RecordEntry

PAGE_SIZE = 1000
HEAD = "record/head.json"


def entry_page(number: int) -> str:
    return f"record/entries/{number}.json"


def entries(since: int = 0) -> list[bytes]:
    rows = RecordEntry.objects.filter(index__gte=since).order_by("index")
    return [data.encode() for data in rows.values_list("data", flat=True)]


class _Checked:
    """The entries and tree of the last head this process signed and checked. A publish's
    build reads from the database only the entries of the log's last page on, and
    extends the tree: its cost follows the new entries, not the log's length. Used only
    when the live build's head is that head (its root proves the entries are the same);
    else, or after a restart, every entry is read and hashed again."""

    entries: list[bytes] = []
    tree: merkle.Tree | None = None

    @classmethod
    def matching(cls, head: dict | None) -> tuple[list[bytes], merkle.Tree] | None:
        tree = cls.tree
        if head is None or tree is None or tree.size != head["size"]:
            return None
        if tree.root().hex() != head["root"]:
            return None
        return cls.entries, tree

    @classmethod
    def keep(cls, data: list[bytes], tree: merkle.Tree) -> None:
        cls.entries, cls.tree = data, tree

    @classmethod
    def forget(cls) -> None:
        cls.entries, cls.tree = [], None


def files(
    previous_head: dict | None = None, today=None, *, incremental: bool = False
) -> dict[str, bytes]:
    """{path under content/: bytes} of the log now; with `previous_head`, only the pages
    from the one holding its last entry on (the earlier pages cannot have changed).
    `incremental` (a publish's build): the entries this process checked for that head
    are taken as they were, and only the last page's are read again; a full build reads
    and checks every entry."""
    with transaction.atomic():
        appending.record_periods(
            today or timezone.localdate(), recent_only=previous_head is not None
        )
    first = previous_head["size"] // PAGE_SIZE if previous_head else 0
    data, tree = _entries_and_tree(previous_head if incremental else None, first)
    _Checked.forget()  # kept again once checked
    head = signed_head(data, tree)
    # Entries under the previous build's head were checked by that build; consistency
    # with it covers them (a changed one changes the old root).
    checked = previous_head["size"] if previous_head is not None else 0
    tree = heads.check_log(data, head, checked=min(checked, len(data)), tree=tree)
    if previous_head is not None:
        heads.check_signature(previous_head)
        heads.check_consistency(previous_head, head, data, tree)
    _Checked.keep(data, tree)
    written = {HEAD: json_bytes(head)}
    for number in range(first, (len(data) + PAGE_SIZE - 1) // PAGE_SIZE):
        written[entry_page(number)] = page_bytes(data, number)
    return written


def _entries_and_tree(previous_head: dict | None, first: int) -> tuple[list[bytes], merkle.Tree]:
    """Every entry and their tree: from what this process checked last, if the live head
    is that, extended by the entries from page `first` on (those already under the head
    must be the same bytes, or the build fails); else read and hashed in full."""
    kept = _Checked.matching(previous_head)
    if kept is None:
        data = entries()
        return data, merkle.Tree.of_entries(data)
    data, tree = kept
    size, start = tree.size, first * PAGE_SIZE
    page = entries(start)
    if page[: size - start] != data[start:size]:
        raise heads.RecordInvalid(f"第 {start} 至 {size - 1} 条记录与上次签名时不同：记录被改动")
    new = page[size - start :]
    data.extend(new)
    tree.extend([merkle.leaf_hash(entry) for entry in new])
    return data, tree


def signed_head(data: list[bytes], tree: merkle.Tree) -> dict:
    """The signed head of the entries `data`, whose tree is `tree`."""
    # The head's time is its last entry's: the same log always gives the same head (Ed25519
    # signatures are deterministic), so a rebuild, or a restore, gives the same site.
    last = json.loads(data[-1]) if data else None
    return heads.sign_head(keys.load(), tree.size, tree.root(), last["time"] if last else "")


def page_bytes(data: list[bytes], number: int) -> bytes:
    """Entry page `number` of the entries `data`, as content/record/entries/<n>.json."""
    chunk = data[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    return json_bytes([entry.decode() for entry in chunk])


def write(directory: Path, previous_head: dict | None = None) -> int:
    """Write the whole log into a build's content/ `directory`; returns its size."""
    for path, data in files(previous_head).items():
        target = Path(directory) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return json.loads((Path(directory) / HEAD).read_text())["size"]


def previous_head(content: Path | None) -> dict | None:
    """The head in a build's content/ (the live one's), if it has one."""
    if content is None:
        return None
    path = Path(content) / HEAD
    return json.loads(path.read_text()) if path.is_file() else None


def json_bytes(value) -> bytes:
    # Compact: indenting would take json's pure-Python encoder, ten times slower.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
