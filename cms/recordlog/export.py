"""The log's files in a build's content/: the site publishes them as they are.

    content/record/head.json            the signed tree head of every entry so far
    content/record/entries/<n>.json     entries n*PAGE_SIZE ... as a JSON list of their texts

Each build signs a head over every entry (dated by its last entry), after checking that the entries make the
tree it signs and that the previous build's head is a prefix of it: a log rewritten in
the database (an edited or removed row) fails the build, and the public site stays as
it was (ADR 0031).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cms.record import heads, merkle

from . import appending, keys
from .models import RecordEntry

PAGE_SIZE = 1000
HEAD = "record/head.json"


def entry_page(number: int) -> str:
    return f"record/entries/{number}.json"


def entries() -> list[bytes]:
    return [
        data.encode()
        for data in RecordEntry.objects.order_by("index").values_list("data", flat=True)
    ]


def files(previous_head: dict | None = None, today=None) -> dict[str, bytes]:
    """{path under content/: bytes} of the log now; with `previous_head`, only the pages
    from the one holding its last entry on (the earlier pages cannot have changed)."""
    with transaction.atomic():
        appending.record_periods(
            today or timezone.localdate(), recent_only=previous_head is not None
        )
    data = entries()
    head = signed_head(data, merkle.Tree.of_entries(data))
    # Entries under the previous build's head were checked by that build; consistency
    # with it covers them (a changed one changes the old root).
    checked = previous_head["size"] if previous_head is not None else 0
    tree = heads.check_log(data, head, checked=min(checked, len(data)))
    if previous_head is not None:
        heads.check_signature(previous_head)
        heads.check_consistency(previous_head, head, data, tree)
    first = previous_head["size"] // PAGE_SIZE if previous_head else 0
    written = {HEAD: json_bytes(head)}
    for number in range(first, (len(data) + PAGE_SIZE - 1) // PAGE_SIZE):
        written[entry_page(number)] = page_bytes(data, number)
    return written


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
