"""Incremental builds: after a publish, write only the files the change affects.

A long-running process (the CMS's worker) keeps a SiteState: the content as read, the
assembled model, and for every page and file what it was made from. `SiteState.update()`
takes the content files that changed, assembles the model again through the generator's
own set-up (generator.py `use_content`, the one code path of both kinds of build), and
decides from data which outputs can differ, in phases, each the job of one module:

  incremental_content.py  the changed files read again and checked, the items they hold
  model_changes.py        the items that differ, following references while items keep
                          changing, compared by shallow fingerprints (fingerprints.py)
  incremental_pages.py    the pages whose template read a value that changed, or whose
                          own fingerprint changed, rendered again; pages gone removed
  incremental_feeds.py    the feed entries of the documents a change reaches made again;
                          a feed document written only if its entries changed
  incremental_files.py    open data for the years of the changed items, the sitemap and
                          the other files, each written only if its bytes changed
  incremental_record.py   the publication log's new entries, checked, and their files
  incremental_search.py   the search records that changed, added to the index

Everything is written into a new output directory whose other files are the previous
build's (linked_tree.py), so the previous build, which the public site serves until the
swap, is never modified. Anything these modules cannot follow (a programme, a channel or
the home page changed, a build date going backwards, other settings) raises
NeedsFullBuild (incremental_limits.py). A new build date is a change like the others: the
documents whose status the day changes (incremental_day.py) are read again as if their
files had changed, and what shows the date is found by the same comparisons.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from . import page_reads
from .cache import ContentCache
from .fingerprints import model_items
from .incremental_content import ContentAsRead
from .incremental_day import documents_whose_status_changes
from .incremental_feeds import BuiltFeeds
from .incremental_files import BuiltFiles
from .incremental_limits import NeedsFullBuild
from .incremental_pages import RenderedPages
from .incremental_record import PublishedLog
from .incremental_search import IndexedRecords
from .linked_tree import UnlinkingWriter, link_tree, start_noting_touched
from .model_changes import ModelGraph


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


class SiteState:
    """A built site as the worker remembers it: a Pelican generator holding the model,
    and what every page and file was made from."""

    def __init__(self, generator, output: Path, search: Path | None):
        self.generator = generator
        self.config = generator.config
        self.output = Path(output)
        self.search = Path(search) if search else None
        self.content = ContentAsRead()
        self.model = ModelGraph()
        self.pages = RenderedPages(generator)
        self.feeds = BuiltFeeds(generator)
        self.files = BuiltFiles(generator)
        self.log = PublishedLog(generator)
        self.index = IndexedRecords(generator)
        self.pages_rendered_at_load = 0

    @classmethod
    def load(
        cls, generator, output: Path, search: Path | None, state_dir: Path | None = None
    ) -> SiteState:
        """The state of a build whose output (and search index) a full build of the same
        content wrote, noting in `state_dir` what the worker needs (noted.py); what it
        did not note is learnt by rendering pages and making search records again."""
        state = cls(generator, output, search)
        items = model_items(generator.site)
        for key, item in items.items():
            state.model.remember_item(key, item)
        state.pages_rendered_at_load = state.pages.load(page_reads.read(state_dir))
        state.model.remember_values(items, state.pages.all_reads())
        state.feeds.load()
        state.files.load(items)
        if state.search is not None:
            state.index.load(state_dir)
        return state

    def update(
        self,
        content_path: Path,
        changed: Iterable[str],
        output: Path,
        search: Path | None = None,
        *,
        linked: bool = False,
        build_date: date | None = None,
    ) -> Report:
        """Build into `output` from `content_path`, which differs from the content this
        state was built from only in the files `changed` (paths relative to content/,
        added, modified or deleted). `output` must not exist, unless `linked`: then it
        is already a link_tree() copy of the previous output. Its search index goes to
        `search`. A `build_date` after the state's is a new day (incremental_day.py).

        Raises ContentInvalid (nothing is kept), NeedsFullBuild or FeedInvalid; on any
        exception this state must be dropped (a new one loaded from a full build)."""
        report = Report()
        report.touched = start_noting_touched()
        clock = _Clock(report)
        content_path, output = Path(content_path), Path(output)
        generator = self.generator
        changed = list(changed)
        new_day = build_date is not None and build_date != self.config.build_date
        if new_day:
            changed = sorted({*changed, *self._move_to(build_date)})
        record_changed = any(name.startswith("record/") for name in changed)
        changed = [name for name in changed if not name.startswith("record/")]
        content, changed_keys = self.content.read_changes(generator.content, content_path, changed)
        if record_changed:  # before rendering: credential pages show the log's entries
            generator.record_log = self.log.read(content_path)
        clock.lap("read")
        generator.use_content(content)
        items = model_items(generator.site)
        clock.lap("assemble")
        changed_items, changed_reads = self.model.changed(changed_keys, items)
        report.changed_items = len(changed_items)
        clock.lap("compare")
        if not linked:
            link_tree(self.output, output)
        clock.lap("link")
        to_render, gone = self.pages.stale(changed_reads)
        clock.lap("pages")
        writer = UnlinkingWriter(str(output), settings=generator.settings)
        for page in to_render:
            self.pages.render(page, write=writer)
        report.pages_rendered = len(to_render)
        self.pages.remove(gone, output)
        report.pages_removed = len(gone)
        self.model.remember_values(items, changed_reads)
        for page in to_render:
            self.model.remember_values(items, self.pages.reads[page.save_as])
        clock.lap("render")
        near = self.model.near(changed_items)
        report.feed_documents = self.feeds.write(near, output, items, new_day=new_day)
        clock.lap("feeds")
        report.files_written += self.files.update(
            changed_items, items, self.output, output, new_day=new_day
        )
        clock.lap("open data, sitemap")
        report.files_written += self.log.write(content_path, changed, output, record_changed)
        clock.lap("record")
        if self.search is not None:
            if search is None:
                raise NeedsFullBuild("没有给出搜索索引的新目录")
            report.search_added, report.search_deleted = self.index.update(
                near, items, self.search, Path(search)
            )
            clock.lap("search")
        self.output = output
        self.search = Path(search) if search is not None else None
        return report

    def _move_to(self, build_date: date) -> set[str]:
        """Make `build_date` the day statuses are computed for; the content files, under
        content/, of the documents whose status differs from the last build's day."""
        site = self.generator.site
        keys = documents_whose_status_changes(site, self.config.build_date, build_date)
        awards = {("award", award.id): award for award in site.awards}
        documents = set()
        for key in keys:
            award = awards.get(key)
            # An award is part of its decision's file (and of its decision's pages).
            documents.add((award.decision.kind, award.decision.id) if award else key)
        # The settings object is shared by every part of the state, by the generator and
        # by the templates' globals: it is changed in place (a copy would leave the others
        # on the old day).
        object.__setattr__(self.config, "build_date", build_date)
        self.generator.settings["GONGSHI_BUILD_DATE"] = build_date.isoformat()
        return self.content.paths_of(self.generator.content, documents)


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
    # The worker never saves the content cache: what it loaded to read faster is let go.
    generator.cache = ContentCache(None)
    return generator
