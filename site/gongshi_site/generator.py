"""The Pelican generator that writes the whole public site.

Pelican calls generate_context() on every generator, then generate_output(); this one
reads and checks content/ in the first phase, so a broken file stops the build before a
single page is written.

generate_output() then writes everything as independent pieces of output (outputs()):
each HTML page (a Page rendered by render()), each feed, each data file. They are split
into shares, each share written by a forked process, while another process builds the
search index (parallel.py, docs/adr/0008-build-performance.md). A page is written from
its rendered text directly: Pelican's writer would only add relative-URL handling and
signals that this site does not use.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from pelican.generators import Generator
from pelican.utils import sanitised_join

from gongshi.record.heads import RecordInvalid

from . import credentials, labels, opendata, opendata_years, page_reads, rarechars, record, urls
from .assemble import assemble
from .cache import ContentCache
from .feed_catalogue import ALL, FeedCatalogue
from .feed_entries import EntryInvalid, entries_by_document
from .feeds import FeedInvalid, feed_plan
from .formatting import FILTERS
from .memo import Memo
from .page_reads import ReadRecorder
from .pages import Page, all_pages
from .parallel import Job, JobFailed, run_jobs
from .reader import ContentInvalid, read_content, remember
from .settings import SiteSettings
from .sitemap import ROBOTS_TXT, robots_txt, sitemap_files

logger = logging.getLogger(__name__)


def balanced_shares(outputs, workers: int) -> list[list]:
    """`outputs` split into `workers` shares of about the same cost: the most costly
    first, each to the share with the least so far."""
    shares: list[list] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for output in sorted(outputs, key=lambda output: output[2], reverse=True):
        least = loads.index(min(loads))
        shares[least].append(output)
        loads[least] += output[2]
    return shares


class PublicSiteGenerator(Generator):
    def generate_context(self):
        self.timings: dict[str, float] = {}
        try:
            self.config = SiteSettings.from_pelican(self.settings)
        except ValueError as invalid:
            print(f"设置错误：{invalid}", file=sys.stderr)
            raise SystemExit(1) from None
        # Items made from each file, for the assemblies of an incremental build after
        # this one (incremental.py) to make only the changed files' items again.
        self.memo = Memo()
        # Reading builds a large graph that lives as long as the build; the collector
        # would walk it again and again while it grows, finding nothing to free.
        gc.disable()
        try:
            self._read_and_assemble()
        finally:
            gc.enable()

    def _read_and_assemble(self) -> None:
        with self._phase("cache"):
            self.cache = ContentCache(self.config.cache_path)
        try:
            with self._phase("read"):
                content = read_content(Path(self.path), self.cache)
        except ContentInvalid as invalid:
            # Written plainly to stderr, one line each: Pelican's log goes to stdout, wraps
            # long lines and would add a traceback that pushes the list out of the tail
            # the CMS keeps of a failed build.
            for error in invalid.errors:
                print(f"内容格式错误：{error}", file=sys.stderr)
            print(f"构建已停止：{len(invalid.errors)} 处内容不符合格式。", file=sys.stderr)
            raise SystemExit(invalid.exitcode) from None
        try:
            with self._phase("record"):
                self.record_log = record.read_log(Path(self.path))
        except RecordInvalid as invalid:
            print(f"公开记录校验失败：{invalid}", file=sys.stderr)
            print("构建已停止：公开记录与签名树头不符，站点未发布。", file=sys.stderr)
            raise SystemExit(1) from None
        self.use_content(content)
        remember(content, self.cache)
        # Written in generate_output, checked here: a feed that cannot be valid stops the
        # build before a single page is written, naming the item.
        with self._phase("feed entries"):
            try:
                # Kept by document too: the worker's state starts from them (take_feed_entries).
                self.document_entries = entries_by_document(self.site)
                self.feed_plan = feed_plan(
                    self.feeds,
                    [entry for entries in self.document_entries.values() for entry in entries],
                    self.config.feed_base_url,
                    self.config.feed_size,
                    self.config.build_date,
                )
            except EntryInvalid as invalid:
                self._stop([str(invalid)])
            except FeedInvalid as invalid:
                self._stop(invalid.errors)

    def use_content(self, content) -> None:
        """Assemble the model and the pages of checked content, and give the templates
        what they draw on: the one set-up of a full and of an incremental build
        (incremental.py)."""
        self.content = content
        with self._phase("assemble"):
            self.site = assemble(content, self.config.build_date, self.config.site_name, self.memo)
        with self._phase("pages"):
            self.pages = list(all_pages(self.site, self.config, self.memo))
            self.feeds = FeedCatalogue(self.site)
        self.memo.next_pass()
        self.env.filters.update(FILTERS)
        self.env.globals.update(
            site=self.site,
            config=self.config,
            labels=labels,
            urls=urls,
            feeds=self.feeds,
            record_head=self.record_log.head if getattr(self, "record_log", None) else None,
            record_entries=self.record_entries,
            credential_url=credentials.page_url,
            credential_code=credentials.code,
        )

    def take_feed_entries(self) -> tuple[dict, list]:
        """(every document's feed entries by its key, every entry prepared, newest first),
        as this generator made them for its feed plan, which it lets go: the worker's
        state keeps them up to date from here on (incremental_feeds.py)."""
        ready = self.feed_plan.selected.get((None, ALL), [])  # every entry is in it
        taken = (self.document_entries, ready)
        self.document_entries = self.feed_plan = None
        return taken

    def record_entries(self, url: str) -> list[dict]:
        """The log's entries about `url`, oldest first (empty without a log)."""
        log = getattr(self, "record_log", None)
        return log.entries_of(url) if log is not None else []

    @staticmethod
    def _stop(errors: list[str]):
        for error in errors:
            print(f"订阅源错误：{error}", file=sys.stderr)
        print(f"构建已停止：{len(errors)} 处内容无法写入订阅源。", file=sys.stderr)
        raise SystemExit(FeedInvalid.exitcode)

    def generate_output(self, writer):
        workers = self.config.workers
        jobs = [
            Job(
                f"页面和订阅源的写入（第{number}组，共{workers}组）",
                partial(self._write_share, share, number),
            )
            for number, share in enumerate(balanced_shares(self.outputs(), workers), start=1)
        ]
        if self.config.search_path is not None:
            jobs.insert(0, Job("搜索索引的生成", self._build_search_index))
        try:
            with self._phase("write"):
                self.job_cpu = run_jobs(jobs, parallel=workers > 1, while_waiting=self.cache.save)
        except JobFailed as failed:
            print(f"构建错误：{failed}", file=sys.stderr)
            print("构建已停止：站点未生成，线上站点保持不变。", file=sys.stderr)
            raise SystemExit(failed.exitcode) from None
        with self._phase("attachments"):
            self._copy_attachments()
        self._report_timings()

    def outputs(self) -> Iterator[tuple[str, Callable[[], bytes | str], float]]:
        """Every file of the site but the attachments, as (site path, what makes its
        text, a rough cost in milliseconds of CPU to share the work out by), in a fixed
        order. The costs were measured at 20,000 notices."""
        site, config, pages = self.site, self.config, self.pages
        awards = len(site.awards)
        # The open data and the sitemap are each one job: their index lists every file.
        yield (
            opendata_years.INDEX,
            partial(self._open_data_files, site, config),
            0.08 * len(site.notices) + 0.12 * awards,
        )
        yield "/withdrawn.json", partial(opendata.withdrawn_json, site), 1.0
        yield (
            urls.SITEMAP_XML,
            partial(sitemap_files, pages, config, limit=config.sitemap_limit),
            0.01 * len(pages),
        )
        yield ROBOTS_TXT, partial(robots_txt, config), 0.01
        fonts = rarechars.font_files(
            self.content.rare_characters, config.rare_fonts, config.cache_path
        )
        for path, data in fonts.items():
            yield path, partial(bytes, data), 0.01
        for feed in self.feeds.all:
            # Each entry is written once in both formats, the newest page of them twice.
            entries = len(self.feed_plan.selected.get(feed.key, ())) + config.feed_size
            yield feed.url(), partial(self.feed_plan.documents, feed), 0.14 * entries
        for page in pages:
            yield "/" + page.save_as, partial(self.render, page), 0.75
        for path, address in credentials.qr_codes(site.awards, config.feed_base_url).items():
            yield path, partial(credentials.qr_svg, address), 8.0
        for path, data in credentials.badges(site.awards).items():
            yield path, partial(bytes, data), 0.01
        if self.record_log is not None:
            files = record.outputs(self.record_log, record.documents_of(self.content))
            files |= record.entry_files(Path(self.path))
            for path, data in files.items():
                yield path, partial(bytes, data), 0.01

    @staticmethod
    def _open_data_files(site, config) -> dict[str, bytes]:
        return opendata_years.open_data(site, config).files

    def write_page(self, writer, page: Page) -> None:
        """A page through Pelican's writer: the incremental build's way, which gives the
        same bytes as the full build's direct writing (tests/site/test_site_incremental.py)."""
        writer.write_file(
            page.save_as, self.get_template(page.template), self.context, page=page, **page.context
        )

    def render(self, page: Page) -> str:
        """A page rendered with its template, as Pelican's writer would render it."""
        template = self.get_template(page.template)
        return template.render({**self.context, "page": page, **page.context})

    def _write_share(self, outputs: list, number: int) -> None:
        """Write a share of the outputs; with a state directory, note there what each
        page of it read (page_reads.py), as this share's file."""
        recorder = ReadRecorder(self.env) if self.config.state_path is not None else None
        pages = {"/" + page.save_as: page for page in self.pages} if recorder else {}
        noted: list[tuple[Page, frozenset]] = []
        try:
            for path, make, _cost in outputs:
                page = pages.get(path)
                if page is not None:
                    made, reads = recorder.render(make)
                    noted.append((page, reads))
                else:
                    made = make()
                if isinstance(made, dict):  # a feed's documents, the open data, the sitemap
                    for url, data in made.items():
                        self._write(url, data)
                else:
                    self._write(path, made)
        finally:
            if recorder is not None:
                recorder.stop()
        if recorder is not None:
            page_reads.write(self.config.state_path, number, noted)

    def _write(self, url: str, data: bytes | str) -> None:
        path = Path(sanitised_join(self.output_path, url.lstrip("/")))
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(data)
        else:
            path.write_bytes(data)

    def _build_search_index(self) -> None:
        # Imported here, in the process that builds the index: whoosh, jieba and pypinyin
        # take a good part of a second to import, which the other processes never need.
        from .search_records import build_index

        count = build_index(self.site, self.config.search_path, self.render, self.config.state_path)
        logger.info("Indexed %d records for search in %s", count, self.config.search_path)

    def _copy_attachments(self) -> None:
        """Only attachments a document lists, already checked by size and hash."""
        copied = set()
        for sources in self.content.by_kind.values():
            for source in sources:
                for attachment in source.document.get("attachments", []):
                    if attachment["file"] in copied:
                        continue
                    target = Path(sanitised_join(self.output_path, attachment["file"]))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(self.content.path / attachment["file"], target)
                    copied.add(attachment["file"])

    @contextmanager
    def _phase(self, name: str):
        started = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)
        logger.info("Phase %s took %.2f s", name, self.timings[name])

    def _report_timings(self) -> None:
        files = 1 if self.content.home else 0
        files += sum(len(sources) for sources in self.content.by_kind.values())
        logger.info("Read %d files, %d of them from the cache", files, self.cache.hits)
        for name, cpu in self.job_cpu.items():
            logger.info("%s: %.1f s of CPU", name, cpu)
        if self.config.timings_path:
            report = {
                "seconds": self.timings,
                "job_cpu_seconds": {name: round(cpu, 3) for name, cpu in self.job_cpu.items()},
                "files": files,
                "from_cache": self.cache.hits,
            }
            self.config.timings_path.write_text(json.dumps(report, indent=2) + "\n")
