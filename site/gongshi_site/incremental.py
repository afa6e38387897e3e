"""Incremental builds: after a publish, write only the files the change affects.

A long-running process (the CMS's worker) keeps a SiteState: the content as read, the
assembled model, and for every page what it drew on. `SiteState.update()` takes the
content files that changed, re-assembles the model through the generator's own set-up
(generator.py `use_content`, the one code path of both kinds of build), and decides from
data which outputs can differ:

- every page records, while it is rendered, which attribute of which model item
  (a notice, an award, a winner, a programme, the site) its template read, through the
  Jinja environment's getattr/getitem. A page is rendered again when one of those values
  is different in the new model, or when the page itself (its URL, title, and the item
  slice of a listing page, so pagination shifts count) is different;
- model items are compared by a shallow fingerprint (their fields, other items by key),
  starting from the items of the changed files and following references both ways as
  long as items keep changing;
- feed entries and search records are made again for the items that changed and the
  items referring to them; a feed document is written again only if its entries did;
- open data is made again for the years of the changed items only (opendata_years.py:
  a year's files depend on that year's documents and the revocations of its awards),
  the other years' entries of /data/index.json are read from the previous build's;
- the sitemap and the search side files are recomputed and written only if their bytes
  changed; a file the new build no longer has is removed.

Everything is written into a new output directory whose other files are hard links to
the previous build's (link_tree): a file is replaced by unlinking it first, never by
writing through the link, so the previous build, which the public site serves until the
swap, is never modified. Anything this module cannot follow (a programme, a channel or
the home page changed, a new build date, other settings) raises NeedsFullBuild.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import os
import time
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path, PurePath

from pelican.utils import sanitised_join
from pelican.writers import Writer

from gongshi.contract import ContractError, load
from gongshi.record import heads

from . import credentials, opendata, opendata_years, search_records, shared_dirs
from .feed_entries import correction_entry, corrections, document_entry
from .feeds import feed_document, feed_document_plan, prepare
from .memo import Memo
from .model import Award, Channel, Document, Programme, Site, Winner, Withdrawn
from .rarechars import font_files, rare_characters
from .reader import HOME_FILE, Content, ContentInvalid, Source, cross_file_problems
from .settings import CHINA
from .sitemap import ROBOTS_TXT, robots_txt, sitemap_files

# Kinds whose change reshapes what every page shares (navigation, feeds, filters).
FULL_BUILD_KINDS = {"home", "programme", "channel"}


class NeedsFullBuild(Exception):
    """The change is one an incremental build does not follow; build everything."""


# --- Model items and their fingerprints ----------------------------------------------------

_KEYS = {
    Site: lambda item: ("site",),
    Programme: lambda item: ("programme", item.id),
    Award: lambda item: ("award", item.id),
    Winner: lambda item: ("winner", item.key),
    Withdrawn: lambda item: ("withdrawn", item.id),
    Channel: lambda item: ("channel", item.id),
}


def item_key(value) -> tuple | None:
    """The identity of a model item across builds, or None for a plain value."""
    key = _KEYS.get(type(value))
    if key is not None:
        return key(value)
    if isinstance(value, Document):
        return (value.kind, value.id)
    return None


def fingerprint(value, shared: dict | None = None):
    """A comparable summary of a value as a template sees it: model items by their key
    (what they hold is compared where they are read), everything else by value.

    `shared` remembers containers by identity while they live (one pass over the pages,
    whose listings all share one dict of filters)."""
    if shared is not None and isinstance(value, (list, tuple, dict)):
        known = shared.get(id(value))
        if known is None or known[0] is not value:
            known = shared[id(value)] = (value, _fingerprint(value, shared))
        return known[1]
    return _fingerprint(value, shared)


def _fingerprint(value, shared):
    key = item_key(value)
    if key is not None:
        return ("@", *key)
    if value is None or isinstance(value, (bool, int, float, date)):
        return value
    if isinstance(value, str):
        # Markup is a str that is not escaped again: the same text renders differently.
        return value if type(value) is str else (type(value).__name__, str(value))
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(part, shared) for part in value)
    if isinstance(value, dict):
        return tuple((name, fingerprint(part, shared)) for name, part in value.items())
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            *(fingerprint(getattr(value, f.name), shared) for f in dataclasses.fields(value)),
        )
    if callable(value):
        return ("callable", getattr(value, "__qualname__", type(value).__name__))
    return ("opaque", type(value).__name__)


def _item_fields(item) -> tuple:
    """An item's own fields, other items by key: what assemble.py gave it."""
    return tuple(fingerprint(getattr(item, f.name)) for f in dataclasses.fields(item))


def _referenced(value, found: set) -> set:
    """Keys of the items a fingerprint names."""
    if isinstance(value, tuple):
        if value and value[0] == "@":
            found.add(value[1:])
        else:
            for part in value:
                _referenced(part, found)
    return found


def model_items(site: Site) -> dict[tuple, object]:
    items: dict[tuple, object] = {("site",): site}
    groups = (
        site.programmes,
        site.calls,
        site.notices,
        site.decisions,
        site.revocations,
        site.awards,
        site.winners,
        site.withdrawn,
        site.channels,
    )
    for group in groups:
        for item in group:
            items[item_key(item)] = item
    return items


_MISSING = ("missing",)


def _read(item, attribute: str):
    if item is None:
        return _MISSING
    try:
        return fingerprint(getattr(item, attribute))
    except AttributeError:
        return _MISSING


# --- Recording what templates read ----------------------------------------------------------


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


# --- Output tree ----------------------------------------------------------------------------


def link_tree(source: Path, target: Path) -> int:
    """`target` as a copy of `source` that shares its files: a shared tree (a build's
    output, shared_dirs.py) is forked, its top's entries linked; any other tree (content/)
    is copied as hard links, file by file. Returns the number of entries made."""
    if shared_dirs.is_shared(source):
        return shared_dirs.fork(source, target)
    count = 0
    source = str(source)
    prefix = len(source) + 1
    for directory, _subdirectories, files in os.walk(source):
        destination = os.path.join(str(target), directory[prefix:])
        os.makedirs(destination, exist_ok=True)
        for name in files:
            os.link(os.path.join(directory, name), os.path.join(destination, name))
            count += 1
    return count


# Every file an update() writes or removes, for what is derived from files after the build
# (the web server's .gz copies: site/gongshi_site/atomic.py).
_touched: set[str] = set()


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` as a new file: unlink first, as `path` may be a hard link into the
    previous build (and its directory one the previous build shares: made this build's
    own first)."""
    _touched.add(str(path))
    shared_dirs.writable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def remove_file(path: Path, root: Path) -> None:
    _touched.add(str(path))
    shared_dirs.remove(path, root)


class _UnlinkingWriter(Writer):
    """Pelican's writer, unlinking each file before writing it (see replace_file)."""

    def write_file(self, name, *arguments, **keywords):
        # Before Pelican makes the file's directory: not inside a shared one.
        shared_dirs.writable(Path(sanitised_join(self.output_path, name)))
        return super().write_file(name, *arguments, **keywords)

    def _open_w(self, filename, encoding, override=False):
        _touched.add(str(filename))
        try:
            os.unlink(filename)
        except FileNotFoundError:
            pass
        return super()._open_w(filename, encoding, override)


# --- The state kept between builds ----------------------------------------------------------


@dataclasses.dataclass
class Report:
    """What one incremental build did, and how long each phase took (seconds)."""

    changed_items: int = 0
    pages_rendered: int = 0
    pages_removed: int = 0
    files_written: int = 0
    feed_documents: int = 0
    search_added: int = 0
    search_deleted: int = 0
    touched: set[str] = dataclasses.field(default_factory=set)  # files written or removed
    phases: dict = dataclasses.field(default_factory=dict)
    cpu: dict = dataclasses.field(default_factory=dict)  # CPU seconds per phase


class _Clock:
    """Wall time per phase in `phases`, and this process's CPU time in `cpu` (on a
    shared machine the wall time mostly measures waiting for a core)."""

    def __init__(self, report: Report):
        self.report = report
        self.last, self.last_cpu = time.perf_counter(), time.process_time()

    def lap(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        phases, cpu_phases = self.report.phases, self.report.cpu
        phases[phase] = phases.get(phase, 0.0) + now - self.last
        cpu_phases[phase] = cpu_phases.get(phase, 0.0) + cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class SiteState:
    """A built site as the worker remembers it: a Pelican generator holding the model,
    and what every page and file was made from."""

    def __init__(self, generator, output: Path, search: Path | None):
        self.generator = generator
        self.config = generator.config
        self.output = Path(output)
        self.search = Path(search) if search else None
        self.recorder = ReadRecorder(generator.env)
        self.page_fingerprints: dict[str, tuple] = {}
        # The Page objects of the last build: the generator gives the same object again
        # for a page made of the same items (memo.py), whose fingerprint is then the same.
        self.pages: dict[str, object] = {}
        self.page_reads: dict[str, frozenset] = {}
        self.readers: dict[tuple, set[str]] = {}  # (key, attribute) -> pages
        self.values: dict[tuple, dict] = {}  # item key -> {attribute read: fingerprint}
        self.fields: dict[tuple, tuple] = {}  # item key -> _item_fields
        self.referrers: dict[tuple, set[tuple]] = {}  # item key -> keys referring to it
        self.entries: dict[tuple, list] = {}  # document key -> its FeedEntry list
        self.ready: dict[str, object] = {}  # entry id -> ReadyEntry
        # Each feed's entries, oldest first, with their order keys (for bisect).
        self.feed_entries: dict[tuple, tuple[list, list]] = {}
        self.feed_plans: dict[str, tuple] = {}  # feed document URL -> what decides it
        self.feed_urls: dict[tuple, set[str]] = {}  # feed key -> its documents' URLs
        self.records: dict[str, tuple] = {}  # search key -> (Record, digest of its fields)
        self.suggestions = None  # documents.SuggestionCounts of the records, with search
        self.digests: dict[str, bytes] = {}  # other output files -> digest of their bytes
        self.data_digests: dict[str, bytes] = {}  # the same, of the open data files
        self.items: dict[tuple, object] = {}  # the model's items by key (model_items)
        self.file_memo = Memo()  # their parts, for making them again (memo.py)
        self.attachments: set[str] = set()
        self.sources: dict[str, Source] | None = None  # content by path under content/
        log = getattr(generator, "record_log", None)  # the publication log (record.py)
        self.record_head: dict | None = log.head if log else None

    # -- Loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, generator, output: Path, search: Path | None) -> SiteState:
        """The state of a build whose output (and search index) a full build of the same
        content wrote: every page rendered once more, in memory, to learn what it reads."""
        state = cls(generator, output, search)
        site = generator.site
        items = model_items(site)
        for key, item in items.items():
            state._remember_item(key, item)
        for page in generator.pages:
            state._render(page, write=None)
        state.pages = {page.save_as: page for page in generator.pages}
        state._remember_values(items, state.readers)
        for key, entries in state._document_entries(
            site.calls, site.notices, site.decisions, site.revocations
        ):
            state.entries[key] = entries
        for ready in prepare(
            [e for entries in state.entries.values() for e in entries], state.config.feed_base_url
        ):
            state.ready[ready.entry.id] = ready
        state.feed_entries = {feed.key: ([], []) for feed in generator.feeds.all}
        for ready in reversed(list(state.ready.values())):  # prepare() gives newest first
            state._file_entry(ready, set())
        for feed in generator.feeds.all:
            state._plan_feed(feed)
        state.items = items
        # Made once here, for the memo: the next publish encodes only what it changed.
        for name, data in opendata_years.open_data(
            site, state.config, state.file_memo
        ).files.items():
            state.data_digests[name] = _digest(data)
        for name, data in state._other_files(generator.pages).items():
            state.digests[name] = _digest(data)
        state.file_memo.next_pass()
        state.attachments = state._attachment_files()
        if state.search is not None:
            from gongshi.search.documents import SuggestionCounts

            state.suggestions = SuggestionCounts()
            for record in search_records.all_records(site):
                state.records[record.key] = (record, _digest(repr(record.fields()).encode()))
                state.suggestions.add(record)
        return state

    def _remember_item(self, key: tuple, item) -> None:
        fields = _item_fields(item) if key != ("site",) else ()
        self.fields[key] = fields
        for other in _referenced(fields, set()):
            self.referrers.setdefault(other, set()).add(key)

    def _remember_values(self, items: dict, reads: Iterable[tuple]) -> None:
        for key, attribute in reads:
            self.values.setdefault(key, {})[attribute] = _read(items.get(key), attribute)

    def _render(self, page, write) -> None:
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
        for read in self.page_reads.get(name, ()):
            readers = self.readers.get(read)
            if readers is not None:
                readers.discard(name)
        self.page_reads[name] = frozenset(reads)
        for read in reads:
            self.readers.setdefault(read, set()).add(name)
        self.page_fingerprints[name] = fingerprint(page)

    # -- One incremental build -------------------------------------------------------------

    def update(
        self,
        content_path: Path,
        changed: Iterable[str],
        output: Path,
        search: Path | None = None,
        *,
        linked: bool = False,
    ) -> Report:
        """Build into `output` from `content_path`, which differs from the content this
        state was built from only in the files `changed` (paths relative to content/,
        added, modified or deleted). `output` must not exist, unless `linked`: then it
        is already a link_tree() copy of the previous output. Its search index goes to
        `search`.

        Raises ContentInvalid (nothing is kept), NeedsFullBuild or FeedInvalid; on any
        exception this state must be dropped (a new one loaded from a full build)."""
        report = Report()
        _touched.clear()
        report.touched = _touched
        clock = _Clock(report)
        output = Path(output)
        generator = self.generator
        changed = list(changed)
        record_changed = any(name.startswith("record/") for name in changed)
        changed = [name for name in changed if not name.startswith("record/")]
        content, changed_keys = self._read_changes(Path(content_path), changed)
        if record_changed:  # before rendering: credential pages show the log's entries
            self.generator.record_log = self._read_record(Path(content_path))
        clock.lap("read")
        generator.use_content(content)
        site = generator.site
        items = model_items(site)
        clock.lap("assemble")
        changed_items, changed_reads = self._changed(changed_keys, items)
        report.changed_items = len(changed_items)
        clock.lap("compare")
        if not linked:
            link_tree(self.output, output)
        clock.lap("link")
        writer = _UnlinkingWriter(str(output), settings=generator.settings)
        old_names = set(self.page_fingerprints)
        names = set()
        to_render = []
        affected_pages = set()
        for read in changed_reads:
            affected_pages |= self.readers.get(read, set())
        shared: dict = {}
        for page in generator.pages:
            name = page.save_as
            names.add(name)
            if name in affected_pages:
                to_render.append(page)
            elif page is self.pages.get(name):
                continue
            elif self.page_fingerprints.get(name) != fingerprint(page, shared):
                to_render.append(page)
        del shared
        self.pages = {page.save_as: page for page in generator.pages}
        clock.lap("pages")
        for page in to_render:
            self._render(page, write=writer)
        report.pages_rendered = len(to_render)
        for name in old_names - names:
            remove_file(Path(sanitised_join(str(output), name)), output)
            for read in self.page_reads.pop(name, ()):
                self.readers.get(read, set()).discard(name)
            del self.page_fingerprints[name]
            report.pages_removed += 1
        self._remember_values(items, changed_reads)
        for page in to_render:
            self._remember_values(items, self.page_reads[page.save_as])
        clock.lap("render")
        documents = self._rescan_documents(changed_items)
        report.feed_documents = self._write_feeds(documents, output, items)
        clock.lap("feeds")
        report.files_written += self._update_open_data(changed_items, items, output)
        files = self._other_files(generator.pages)
        self.file_memo.next_pass()
        report.files_written += self._write_changed(files, self.digests, output)
        for name in self.digests.keys() - files.keys():
            remove_file(Path(sanitised_join(str(output), name.lstrip("/"))), output)
            del self.digests[name]
        self._update_attachments(output)
        clock.lap("open data, sitemap")
        report.files_written += self._update_record(
            Path(content_path), changed, output, record_changed
        )
        clock.lap("record")
        if self.search is not None:
            if search is None:
                raise NeedsFullBuild("没有给出搜索索引的新目录")
            self._update_search(changed_items, items, Path(search), report)
            clock.lap("search")
        self.output = output
        self.search = Path(search) if search is not None else None
        return report

    def _read_changes(self, content_path: Path, changed: list[str]):
        """The content with the changed files read again, and the keys of the items they
        hold (before and after)."""
        old = self.generator.content
        if self.sources is None:
            self.sources = {
                source.path.relative_to(old.path).as_posix(): source
                for sources in old.by_kind.values()
                for source in sources
            }
        by_path = dict(self.sources)
        keys: set[tuple] = set()
        errors: list[ContractError] = []
        for name in changed:
            if name == HOME_FILE:
                raise NeedsFullBuild("首页内容已更改")
            before = by_path.pop(name, None)
            if before is not None:
                keys |= _source_keys(before)
            path = content_path / name
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
                document, body = load(text, str(path))
            except ContractError as error:
                errors.append(error)
                continue
            source = Source(path, document, body, rare=rare_characters(text))
            if source.kind == "home":
                raise NeedsFullBuild("首页内容已更改")
            by_path[name] = source
            keys |= _source_keys(source)
        if errors:
            raise ContentInvalid(errors)
        if any(key[0] in FULL_BUILD_KINDS for key in keys):
            raise NeedsFullBuild("评选项目、举报渠道或首页已更改")
        # Unchanged sources are kept as read (their path names the build they were read
        # from, which only error messages use).
        content = Content(path=content_path, home=old.home)
        for source in by_path.values():
            content.by_kind.setdefault(source.kind, []).append(source)
        for sources in content.by_kind.values():
            sources.sort(key=lambda source: source.document["id"])
        problems = cross_file_problems(content)
        if problems:
            raise ContentInvalid(problems)
        self.sources = by_path
        return content, keys

    def _changed(self, seeds: set[tuple], items: dict):
        """(keys of the items that differ, (key, attribute) reads whose value differs),
        following references from the changed files' items while items keep changing."""
        changed: set[tuple] = set()
        changed_reads: set[tuple] = set()
        queue = [*seeds, ("site",)]
        for key in seeds:
            queue.extend(self.referrers.get(key, ()))
        seen = set()
        while queue:
            key = queue.pop()
            if key in seen:
                continue
            seen.add(key)
            new = items.get(key)
            if new is None:
                fields = None
            else:
                fields = _item_fields(new) if key != ("site",) else ()
            differs = key in seeds or fields != self.fields.get(key)
            for attribute, value in self.values.get(key, {}).items():
                if value != _read(new, attribute):
                    changed_reads.add((key, attribute))
                    differs = True
            if not differs:
                continue
            changed.add(key)
            neighbours = set(self.referrers.get(key, ()))
            if key != ("site",):
                for known in (fields, self.fields.get(key)):
                    if known is not None:
                        neighbours |= _referenced(known, set())
            if fields is None:
                self.fields.pop(key, None)
            else:
                self.fields[key] = fields
                for other in _referenced(fields, set()):
                    self.referrers.setdefault(other, set()).add(key)
            queue.extend(neighbours - seen)
        return changed, changed_reads

    # -- Feeds -------------------------------------------------------------------------------

    @staticmethod
    def _document_entries(*groups):
        for group in groups:
            for document in group:
                entries = [document_entry(document)]
                entries.extend(correction_entry(document, c) for c in corrections(document))
                yield (document.kind, document.id), entries

    def _rescan_documents(self, changed: set) -> set[tuple]:
        """Documents whose feed entries or search records may differ: the changed ones
        and those referring to a changed item, two steps away (a revocation's entry
        names its award's decision)."""
        near = set(changed)
        for _step in range(2):
            for key in list(near):
                if key != ("site",):
                    near |= self.referrers.get(key, set())
        near.discard(("site",))
        return near

    def _write_feeds(self, near: set[tuple], output: Path, items: dict) -> int:
        """Make the feed entries of the documents `near` a change again, and write the
        documents of the feeds whose entries changed."""
        catalogue = self.generator.feeds
        changed_ids, touched = set(), set()
        for key in near:
            if key[0] not in ("call", "notice", "decision", "revocation"):
                continue
            old_entries = self.entries.pop(key, [])
            document = items.get(key)
            new_entries = []
            if document is not None:
                ((_, new_entries),) = self._document_entries([document])
                self.entries[key] = new_entries
            old_by_id = {entry.id: entry for entry in old_entries}
            new_by_id = {entry.id: entry for entry in new_entries}
            for entry_id in old_by_id.keys() - new_by_id.keys():
                if entry_id in self.ready:
                    self._file_entry(self.ready.pop(entry_id), touched, remove=True)
                changed_ids.add(entry_id)
            fresh = [e for i, e in new_by_id.items() if old_by_id.get(i) != e]
            for ready in prepare(fresh, self.config.feed_base_url):
                if ready.entry.id in self.ready:
                    self._file_entry(self.ready[ready.entry.id], touched, remove=True)
                self.ready[ready.entry.id] = ready
                self._file_entry(ready, touched)
                changed_ids.add(ready.entry.id)
        written = 0
        for key in sorted(touched, key=str):
            for url, plan in self._plan_feed(catalogue.get(*key), output).items():
                if plan[0] != plan[1][:-1] or changed_ids & set(plan[1][-2]):
                    feed, format, entries, number, count = plan[1][-1]
                    data = feed_document(
                        feed,
                        entries,
                        format,
                        self.config.feed_base_url,
                        number,
                        count,
                        self._empty_updated(),
                    )
                    replace_file(Path(sanitised_join(str(output), url.lstrip("/"))), data)
                    written += 1
        return written

    def _empty_updated(self) -> datetime:
        """As feeds.feed_files dates a feed with no entry: the build date."""
        return datetime.combine(self.config.build_date, datetime.min.time(), CHINA)

    def _file_entry(self, ready, touched: set, remove: bool = False) -> None:
        """Add a prepared entry to (or remove it from) the feeds it belongs to, as
        feeds.feed_plan sorts entries into feeds; note those feeds in `touched`."""
        entry = ready.entry
        for key in (
            (None, "all"),
            (None, entry.kind),
            (entry.programme, "all"),
            (entry.programme, entry.kind),
        ):
            selected = self.feed_entries.get(key)
            if selected is None:
                continue
            order_keys, entries = selected
            position = bisect.bisect_left(order_keys, entry.order_key)
            if remove:
                if position < len(entries) and entries[position].entry.id == entry.id:
                    del order_keys[position], entries[position]
            else:
                order_keys.insert(position, entry.order_key)
                entries.insert(position, ready)
            touched.add(key)

    def _plan_feed(self, feed, output: Path | None = None) -> dict[str, tuple]:
        """Plan a feed's documents from its entries: {URL: (what decided the document
        before, (what decides it now..., (feed, format, entries, number, count)))}, and
        remember the plan; the documents the feed no longer has are removed from
        `output`. What decides a document: its entries, and for an archive whether a
        newer archive follows (feeds._document links it), not how many there are."""
        _order_keys, oldest_first = self.feed_entries[feed.key]
        items = oldest_first[::-1]
        if items and not feed.selects(items[0].entry):
            raise NeedsFullBuild(f"订阅源 {feed.key} 的选择规则与增量构建不一致")
        plans = {}
        for url, format, entries, number, count in feed_document_plan(
            feed, items, self.config.feed_size
        ):
            links = count if number is None else number < count
            ids = tuple(item.entry.id for item in entries)
            decided = (feed.key, format, number, links, ids, (feed, format, entries, number, count))
            plans[url] = (self.feed_plans.get(url), decided)
            self.feed_plans[url] = decided[:-1]
        for url in self.feed_urls.get(feed.key, set()) - plans.keys():
            del self.feed_plans[url]
            if output is not None:
                remove_file(Path(sanitised_join(str(output), url.lstrip("/"))), output)
        self.feed_urls[feed.key] = set(plans)
        return plans

    # -- Other files -------------------------------------------------------------------------

    def _other_files(self, pages) -> dict[str, bytes]:
        """Every output file but the pages, feeds, open data, record and attachments;
        the caller starts the memo's next pass."""
        site, config, memo = self.generator.site, self.config, self.file_memo
        files = {
            "/withdrawn.json": opendata.withdrawn_json(site),
            **sitemap_files(pages, config, memo, limit=config.sitemap_limit),
            ROBOTS_TXT: robots_txt(config),
            **credentials.files(site.awards, config.feed_base_url),
            # A new rare character gets its glyph; the pages link the same stylesheet.
            **font_files(
                self.generator.content.rare_characters, config.rare_fonts, config.cache_path
            ),
        }
        return files

    @staticmethod
    def _write_changed(files: dict[str, bytes], digests: dict[str, bytes], output: Path) -> int:
        """Write the files whose bytes differ from those `digests` knows; how many."""
        written = 0
        for name, data in files.items():
            digest = _digest(data)
            if digests.get(name) != digest:
                replace_file(Path(sanitised_join(str(output), name.lstrip("/"))), data)
                digests[name] = digest
                written += 1
        return written

    def _update_open_data(self, changed: set[tuple], items: dict, output: Path) -> int:
        """The open data files of the years the changed items are in, before or after
        the change, and the index, whose other entries come from the previous build's
        (self.output, not yet replaced)."""
        years: set[int] = set()
        for key in changed:
            years |= opendata_years.years_of(self.items.get(key))
            years |= opendata_years.years_of(items.get(key))
        self.items = items
        index = self.output / opendata_years.INDEX.lstrip("/")
        if not index.is_file():
            raise NeedsFullBuild("上一次构建没有开放数据索引")
        made = opendata_years.open_data(
            self.generator.site,
            self.config,
            self.file_memo,
            years=years,
            previous_index=index.read_bytes(),
        )
        for name in made.gone:
            remove_file(Path(sanitised_join(str(output), name.lstrip("/"))), output)
            self.data_digests.pop(name, None)
        return self._write_changed(made.files, self.data_digests, output)

    def _read_record(self, content_path: Path):
        """The log in the new content/, checked: its new entries make the signed head,
        which extends the head this state published (a consistency proof)."""
        from . import record

        previous = self.generator.record_log
        if previous is None or previous.head != self.record_head:
            previous = None
        log = record.read_log(
            content_path,
            checked=self.record_head["size"] if self.record_head else 0,
            previous=previous,
        )
        if log is not None and self.record_head is not None:
            heads.check_consistency(self.record_head, log.head, log.entries, log.tree)
            if previous is not None:
                log.extend(previous)
        return log

    def _update_record(self, content_path: Path, changed: list[str], output: Path, new: bool):
        """The log's files for the new entries (record.py), and the document.md of each
        changed document; a new signing key is on every page's record: a full build."""
        from . import record

        log = self.generator.record_log if new else None
        if log is None:
            return 0
        if self.record_head is None or log.head["public_key"] != self.record_head["public_key"]:
            raise NeedsFullBuild("公开记录的签名密钥已更换")
        since = self.record_head["size"]
        documents = {
            url: content_path / name
            for name in changed
            if (url := record.url_of_file(name)) and (content_path / name).is_file()
        }
        files = record.outputs(log, documents, since) | record.entry_files(content_path, since)
        for name in changed:  # a document gone from content/: its text goes from the site
            if not (content_path / name).exists() and (url := record.url_of_file(name)):
                remove_file(
                    Path(sanitised_join(str(output), url.lstrip("/"))) / "document.md", output
                )
        for name, data in files.items():
            replace_file(Path(sanitised_join(str(output), name.lstrip("/"))), data)
        self.record_head = log.head
        return len(files)

    def _attachment_files(self) -> set[str]:
        return {
            attachment["file"]
            for sources in self.generator.content.by_kind.values()
            for source in sources
            for attachment in source.document.get("attachments", [])
        }

    def _update_attachments(self, output: Path) -> None:
        files = self._attachment_files()
        content = self.generator.content.path
        for name in files - self.attachments:
            replace_file(Path(sanitised_join(str(output), name)), (content / name).read_bytes())
        for name in self.attachments - files:
            remove_file(Path(sanitised_join(str(output), name)), output)
        self.attachments = files

    # -- Search ------------------------------------------------------------------------------

    def _update_search(self, changed, items, target: Path, report: Report) -> None:
        from gongshi.search import incremental as search_incremental

        near = self._rescan_documents(changed)
        site = self.generator.site
        new_records = {}
        for key in near:
            item = items.get(key)
            if item is None:
                continue
            if key[0] == "award":
                record = search_records.award_record(item)
            elif key[0] in ("call", "notice", "decision", "revocation"):
                record = search_records.document_record(item)
            else:
                continue
            new_records[record.key] = record
        deleted, added = [], []
        for key in near:
            record_key = f"{key[0]}:{key[1]}"
            if record_key in self.records and record_key not in new_records:
                deleted.append(record_key)
                del self.records[record_key]
                self.suggestions.remove(record_key)
        for record_key, record in new_records.items():
            digest = _digest(repr(record.fields()).encode())
            previous = self.records.get(record_key)
            if previous is not None and previous[1] == digest:
                continue
            if previous is not None:
                deleted.append(record_key)
            added.append(record)
            self.records[record_key] = (record, digest)
            self.suggestions.add(record)
        try:
            self._write_index(search_incremental, target, deleted, added, site)
        except search_incremental.IndexNeedsRebuild as reason:
            raise NeedsFullBuild(str(reason)) from reason
        report.search_added, report.search_deleted = len(added), len(deleted)

    def _write_index(self, search_incremental, target, deleted, added, site):
        search_incremental.update(
            self.search,
            target,
            deleted=deleted,
            added=added,
            extra=search_records.extra_files(site, self.suggestions.suggestions()),
            shells=search_records.shells(self.generator.render),
            record_of=lambda key: self.records[key][0] if key in self.records else None,
        )


def _source_keys(source: Source) -> set[tuple]:
    document = source.document
    keys = {(source.kind, document["id"])}
    if source.kind == "decision":
        keys |= {("award", award["id"]) for award in document.get("awards", [])}
    if source.kind == "revocation" and document.get("award"):
        award = document["award"]
        keys.add(("award", award["id"] if isinstance(award, dict) else award))
    return keys


# --- Opening a site in this process ---------------------------------------------------------


def open_generator(settings_file: Path, content: Path, output: Path, environment: dict):
    """The plugin's generator, set up as `python -m pelican` sets it up, with the model of
    `content` assembled (generate_context: content read and checked, feeds made).

    Pelican's settings files read the environment when they are executed, so
    `environment` (GONGSHI_BUILD_DATE, GONGSHI_SITE_URL...) is in place meanwhile."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from .generator import PublicSiteGenerator

    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update({name: str(value) for name, value in environment.items()})
    try:
        settings = read_settings(
            str(settings_file),
            override={"PATH": str(Path(content).resolve()), "OUTPUT_PATH": str(output)},
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    pelican = Pelican(settings)
    context = settings.copy()
    context["generated_content"] = {}
    context["static_links"] = set()
    context["static_content"] = {}
    context["localsiteurl"] = settings["SITEURL"]
    generator = PublicSiteGenerator(
        context=context,
        settings=settings,
        path=pelican.path,
        theme=pelican.theme,
        output_path=pelican.output_path,
    )
    generator.generate_context()
    return generator
