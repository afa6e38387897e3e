"""The Pelican generator that writes the whole public site.

Pelican calls generate_context() on every generator, then generate_output(); this one
reads and checks content/ in the first phase, so a broken file stops the build before a
single page is written.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from pelican.generators import Generator
from pelican.utils import sanitised_join

from . import labels, opendata, urls
from .assemble import assemble
from .feed_catalogue import FeedCatalogue
from .feed_entries import EntryInvalid, feed_entries
from .feeds import FeedInvalid, feed_files
from .formatting import FILTERS
from .pages import NAVIGATION, all_pages
from .reader import ContentInvalid, read_content
from .search_records import build_index
from .settings import SiteSettings
from .sitemap import sitemap_xml

logger = logging.getLogger(__name__)


class PublicSiteGenerator(Generator):
    def generate_context(self):
        try:
            self.config = SiteSettings.from_pelican(self.settings)
        except ValueError as invalid:
            print(f"设置错误：{invalid}", file=sys.stderr)
            raise SystemExit(1) from None
        try:
            content = read_content(Path(self.path))
        except ContentInvalid as invalid:
            # Written plainly to stderr, one line each: Pelican's log goes to stdout, wraps
            # long lines and would add a traceback that pushes the list out of the tail
            # the CMS keeps of a failed build.
            for error in invalid.errors:
                print(f"内容格式错误：{error}", file=sys.stderr)
            print(f"构建已停止：{len(invalid.errors)} 处内容不符合格式。", file=sys.stderr)
            raise SystemExit(invalid.exitcode) from None
        self.use_content(content)
        # Written in generate_output, made here: a feed that cannot be valid stops the
        # build before a single page is written, naming the item.
        try:
            self.feed_files = feed_files(
                self.feeds,
                feed_entries(self.site),
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
        self.site = assemble(content, self.config.build_date, self.config.site_name)
        self.pages = list(all_pages(self.site, self.config))
        self.feeds = FeedCatalogue(self.site)
        self.env.filters.update(FILTERS)
        self.env.globals.update(
            site=self.site,
            config=self.config,
            navigation=NAVIGATION,
            labels=labels,
            urls=urls,
            feeds=self.feeds,
        )

    @staticmethod
    def _stop(errors: list[str]):
        for error in errors:
            print(f"订阅源错误：{error}", file=sys.stderr)
        print(f"构建已停止：{len(errors)} 处内容无法写入订阅源。", file=sys.stderr)
        raise SystemExit(FeedInvalid.exitcode)

    def generate_output(self, writer):
        for page in self.pages:
            self.write_page(writer, page)
        self._write(urls.WINNERS_JSON, opendata.winners_json(self.site, self.config))
        self._write(urls.WINNERS_CSV, opendata.winners_csv(self.site, self.config))
        self._write(urls.NOTICES_JSON, opendata.notices_json(self.site, self.config))
        self._write("/withdrawn.json", opendata.withdrawn_json(self.site))
        self._write("/sitemap.xml", sitemap_xml(self.pages, self.config))
        for url, data in self.feed_files.items():
            self._write(url, data)
        self._copy_attachments()
        if self.config.search_path is not None:
            count = build_index(self.site, self.config.search_path, self._render)
            logger.info("Indexed %d records for search in %s", count, self.config.search_path)

    def write_page(self, writer, page) -> None:
        writer.write_file(
            page.save_as, self.get_template(page.template), self.context, page=page, **page.context
        )

    def _render(self, page) -> str:
        """A page rendered as the writer would, for the search pages' shells."""
        template = self.get_template(page.template)
        return template.render({**self.context, "page": page, **page.context})

    def _write(self, url: str, data: bytes) -> None:
        path = Path(sanitised_join(self.output_path, url.lstrip("/")))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        logger.info("Writing %s", path)

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
