"""What each page read of the model while it was rendered, noted and kept with its build.

A page's template can read anything the model offers, so what a page depends on is not
declared but recorded: while a page is rendered, the Jinja environment's attribute and
item access notes which attribute of which model item it read, as (item key, attribute)
pairs (fingerprints.item_key). An incremental build renders a page again when one of
those values changes (incremental_pages.py).

A full build notes them as it writes its pages, each writing process in its own file
(noted.py), with each page's fingerprint (fingerprints.py): what an incremental build
compares to tell whether the page itself changed. The worker that publishes after the
build reads them instead of rendering every page again in memory; a page no file names
is rendered then.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import noted
from .fingerprints import fingerprint, item_key

_POSITION = "L"  # an unsigned number of at least 32 bits


@dataclass(frozen=True)
class Noted:
    """What the full build noted of one page."""

    reads: frozenset  # (item key, attribute) pairs
    fingerprint: tuple


class Canonical:
    """One object for each read and for each item key however often they come: a large
    archive's pages hold millions of reads of far fewer distinct values and items."""

    def __init__(self):
        self.reads: dict[tuple, tuple] = {}
        self.keys: dict[tuple, tuple] = {}

    def read(self, pair: tuple) -> tuple:
        known = self.reads.get(pair)
        if known is None:
            key, attribute = pair
            known = self.reads[pair] = (self.keys.setdefault(key, key), attribute)
        return known


class ReadRecorder:
    """Wraps a Jinja environment's attribute and item access to note, during a render,
    (item key, attribute) for every model item a template reads from."""

    def __init__(self, env):
        self.reads: set | None = None
        self.canonical = Canonical()
        self.env = env
        self._getattr, self._getitem = env.getattr, env.getitem
        getattr_, getitem = self._getattr, self._getitem

        def recording_getattr(obj, attribute):
            if self.reads is not None:
                key = item_key(obj)
                if key is not None:
                    self.reads.add((key, attribute))
            return getattr_(obj, attribute)

        def recording_getitem(obj, argument):
            if self.reads is not None and isinstance(argument, str):
                key = item_key(obj)
                if key is not None:
                    self.reads.add((key, argument))
            return getitem(obj, argument)

        env.getattr = recording_getattr
        env.getitem = recording_getitem

    def render(self, function: Callable[[], object]) -> tuple[object, frozenset]:
        """(what `function` returned, the reads it made while it ran)."""
        self.reads = set()
        try:
            made = function()
            return made, frozenset(map(self.canonical.read, self.reads))
        finally:
            self.reads = None

    def stop(self) -> None:
        """Give the environment its own attribute and item access back."""
        self.env.getattr, self.env.getitem = self._getattr, self._getitem


def write(directory: Path, share: int, pages: Iterable[tuple[object, frozenset]]) -> None:
    """Note, for each (page, its reads) of `pages`, its reads and fingerprint as share
    number `share`'s file: the distinct reads once, each page's as their positions among
    them."""
    distinct: dict[tuple, int] = {}
    pages_noted = {}
    shared: dict = {}
    for page, reads in pages:
        # As bytes: read back, a list of numbers would cost ten times their size.
        positions = array(_POSITION, [distinct.setdefault(pair, len(distinct)) for pair in reads])
        pages_noted[page.save_as] = (positions.tobytes(), fingerprint(page, shared))
    noted.keep(directory, f"pages-{share}", {"reads": list(distinct), "pages": pages_noted})


def read(directory: Path | None) -> dict[str, Noted]:
    """What the build noted of its pages in `directory`, by page save_as (none from a
    file missing, damaged or of another version), each distinct read one object."""
    found: dict[str, Noted] = {}
    canonical = Canonical()
    for _name, kept in noted.read(directory, "pages-*"):
        distinct = [canonical.read(pair) for pair in kept["reads"]]
        for name, (positions, page_fingerprint) in kept["pages"].items():
            at = array(_POSITION, positions)
            found[name] = Noted(frozenset(map(distinct.__getitem__, at)), page_fingerprint)
    return found
