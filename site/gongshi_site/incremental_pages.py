"""The pages of an incremental build: which to render again, known from what each one read.

A page's template can read anything the model offers, so what a page depends on is not
declared but recorded: while a page is rendered, the Jinja environment's attribute and
item access notes which attribute of which model item it read. A page is rendered again
when one of those values is different in the new model (model_changes.py), or when the
page itself (its URL, title, and the item slice of a listing page, so pagination shifts
count) has a different fingerprint (fingerprints.py).
"""

from __future__ import annotations

from pathlib import Path

from pelican.utils import sanitised_join

from .fingerprints import fingerprint, item_key
from .linked_tree import remove_file


class ReadRecorder:
    """Wraps a Jinja environment's attribute and item access to note, during a render,
    (item key, attribute) for every model item a template reads from."""

    def __init__(self, env):
        self.reads: set | None = None
        getattr_, getitem = env.getattr, env.getitem

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

    def render(self, function) -> set:
        self.reads = set()
        try:
            function()
            return self.reads
        finally:
            self.reads = None


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
        self.reads: dict[str, frozenset] = {}
        self.readers: dict[tuple, set[str]] = {}  # (key, attribute) -> pages

    def render_all(self) -> None:
        """Render every page once, in memory, to learn what it reads."""
        for page in self.generator.pages:
            self.render(page, write=None)
        self.pages = {page.save_as: page for page in self.generator.pages}

    def render(self, page, write) -> None:
        """Render a page (writing it with `write`, a Pelican writer, or to nowhere) and
        remember what it read."""
        generator = self.generator
        if write is None:
            template = generator.get_template(page.template)
            context = {**generator.context, "page": page, **page.context}
            reads = self.recorder.render(lambda: template.render(context))
        else:
            reads = self.recorder.render(lambda: generator.write_page(write, page))
        name = page.save_as
        for read in self.reads.get(name, ()):
            readers = self.readers.get(read)
            if readers is not None:
                readers.discard(name)
        self.reads[name] = frozenset(reads)
        for read in reads:
            self.readers.setdefault(read, set()).add(name)
        self.fingerprints[name] = fingerprint(page)

    def stale(self, changed_reads: set[tuple]) -> tuple[list, set[str]]:
        """(the generator's pages to render again: those that read a value that changed
        and those whose own fingerprint did, the names of the pages it no longer has)."""
        old_names = set(self.fingerprints)
        names = set()
        to_render = []
        affected_pages = set()
        for read in changed_reads:
            affected_pages |= self.readers.get(read, set())
        shared: dict = {}
        for page in self.generator.pages:
            name = page.save_as
            names.add(name)
            if name in affected_pages:
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
            for read in self.reads.pop(name, ()):
                self.readers.get(read, set()).discard(name)
            del self.fingerprints[name]
