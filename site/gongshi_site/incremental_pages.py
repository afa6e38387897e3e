"""The pages of an incremental build: which to render again, known from what each one read.

What a page read of the model is noted while it is rendered (page_reads.py). A page is
rendered again when one of those values is different in the new model
(model_changes.py), or when the page itself (its URL, title, and the item slice of a
listing page, so pagination shifts count) has a different fingerprint (fingerprints.py).
"""

from __future__ import annotations

from pathlib import Path

from pelican.utils import sanitised_join

from .fingerprints import fingerprint
from .linked_tree import remove_file
from .page_reads import Noted, ReadRecorder


class RenderedPages:
    """The generator's pages as last rendered: each one's fingerprint and reads, by the
    file it is saved as."""

    def __init__(self, generator):
        self.generator = generator
        self.recorder = ReadRecorder(generator.env)
        self.fingerprints: dict[str, tuple] = {}
        # The Page objects of the last build: the generator gives the same object again
        # for a page made of the same items (memo.py), whose fingerprint is then the same.
        self.pages: dict[str, object] = {}
        # Only by page: which pages read a value is asked of every page's set
        # (isdisjoint), which costs far less than keeping a set of pages per value read.
        self.reads: dict[str, frozenset] = {}

    def load(self, noted: dict[str, Noted]) -> int:
        """Take what each page read, and its fingerprint, from `noted` (page_reads.read():
        what the full build noted as it wrote them); a page it does not name is rendered
        once, in memory, to learn them. Returns the number of pages rendered."""
        rendered = 0
        for page in self.generator.pages:
            known = noted.get(page.save_as)
            if known is None:
                self.render(page, write=None)
                rendered += 1
            else:
                self._remember(page, known.reads, known.fingerprint)
        self.pages = {page.save_as: page for page in self.generator.pages}
        return rendered

    def render(self, page, write) -> None:
        """Render a page (writing it with `write`, a Pelican writer, or to nowhere) and
        remember what it read."""
        generator = self.generator
        if write is None:
            _text, reads = self.recorder.render(lambda: generator.render(page))
        else:
            _nothing, reads = self.recorder.render(lambda: generator.write_page(write, page))
        self._remember(page, reads, fingerprint(page))

    def _remember(self, page, reads: frozenset, page_fingerprint: tuple) -> None:
        self.reads[page.save_as] = reads
        self.fingerprints[page.save_as] = page_fingerprint

    def all_reads(self) -> set[tuple]:
        """Every (key, attribute) some page read."""
        return set().union(*self.reads.values())

    def stale(self, changed_reads: set[tuple]) -> tuple[list, set[str]]:
        """(the generator's pages to render again: those that read a value that changed
        and those whose own fingerprint did, the names of the pages it no longer has)."""
        old_names = set(self.fingerprints)
        names = set()
        to_render = []
        shared: dict = {}
        for page in self.generator.pages:
            name = page.save_as
            names.add(name)
            reads = self.reads.get(name)
            if reads is not None and not reads.isdisjoint(changed_reads):
                to_render.append(page)
            elif page is self.pages.get(name):
                continue
            elif self.fingerprints.get(name) != fingerprint(page, shared):
                to_render.append(page)
        self.pages = {page.save_as: page for page in self.generator.pages}
        return to_render, old_names - names

    def remove(self, names: set[str], output: Path) -> None:
        """Remove pages from `output`, and forget them."""
        for name in names:
            remove_file(Path(sanitised_join(str(output), name)), output)
            self.reads.pop(name, None)
            del self.fingerprints[name]
