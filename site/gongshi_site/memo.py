"""Objects kept between the successive builds of one long-running process.

A full build makes every item of the model and every page once. The worker's
incremental builds (incremental.py) assemble the model and list the pages again for
every publish: with tens of thousands of documents, making them all again would cost
more than the rest of a publish. A Memo gives back what the previous pass made from
the same inputs, so a pass makes only what a change touched, and a page made from
unchanged inputs is the very object it was (incremental_pages.py skips comparing it).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    def __init__(self) -> None:
        self._previous: dict[Hashable, tuple[Any, Any]] = {}
        self._current: dict[Hashable, tuple[Any, Any]] = {}

    def of(self, source: Any, make: Callable, *arguments, valid: Callable | None = None):
        """`make(source, *arguments)`, or what it gave for the same `source` object
        earlier in this pass, or in the previous pass if still `valid` for this one (a
        source is made into one thing per memo: opendata_years.py puts a notice in its
        year's file and in the whole-archive file)."""
        key = id(source)
        made = self._current.get(key)
        if made is not None and made[0] is source:
            return made[1]
        known = self._previous.get(key)
        if known is not None and known[0] is source and (valid is None or valid(known[1])):
            # Kept with its source: while it is kept, no new object can take its id.
            self._current[key] = known
            return known[1]
        made = make(source, *arguments)
        self._current[key] = (source, made)
        return made

    def keyed(self, key: Hashable, inputs: tuple, make: Callable[[], Any], alive: Any = None):
        """`make()`, or what it gave for `key` in the previous pass when `inputs` were
        equal: plain values, or ids of objects that what it gave, or `alive`, keeps
        alive (so that no other object can have their ids meanwhile)."""
        known = self._previous.get(key)
        made = known[1][0] if known is not None and known[0] == inputs else make()
        self._current[key] = (inputs, (made, alive))
        return made

    def next_pass(self) -> None:
        """Forget what this pass did not use: the next pass reuses only this one's."""
        self._previous, self._current = self._current, {}
