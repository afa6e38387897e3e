"""The output files of an incremental build that are neither pages nor feeds nor the record.

Open data, the sitemap, robots.txt, the badges, the rare characters' font and the
attachments are each made from much of the model, but their makers remember their parts
(memo.py), so making them again after a change costs little; writing them is what is
avoided. The worker keeps a digest of every such file and writes only those whose bytes
changed. The awards' QR codes, about 8 ms each and as many as the awards, are made for
new addresses only. Open data is made again for the years of the changed items only
(opendata_years.py: a year's files depend on that year's documents and the revocations
of its awards); the other years' entries of /data/index.json are read from the previous
build's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pelican.utils import sanitised_join

from . import credentials, opendata, opendata_years
from .incremental_limits import NeedsFullBuild
from .linked_tree import remove_file, replace_file
from .memo import Memo
from .rarechars import font_files
from .sitemap import ROBOTS_TXT, robots_txt, sitemap_files


class BuiltFiles:
    """The last build's other output files, by digest, and what they were made from."""

    def __init__(self, generator):
        self.generator = generator
        self.config = generator.config
        self.digests: dict[str, bytes] = {}  # other output files -> digest of their bytes
        self.data_digests: dict[str, bytes] = {}  # the same, of the open data files
        self.items: dict[tuple, object] = {}  # the model's items by key (model_items)
        self.memo = Memo()  # their parts, for making them again (memo.py)
        self.attachments: set[str] = set()
        self.qr_codes: dict[str, str] = {}  # QR code files -> the address each encodes

    def load(self, items: dict) -> None:
        """Make every file once, for the digests and for the memo: the next publish
        encodes only what it changed."""
        self.items = items
        for name, data in opendata_years.open_data(
            self.generator.site, self.config, self.memo
        ).files.items():
            self.data_digests[name] = _digest(data)
        for name, data in self._other_files(self.generator.pages).items():
            self.digests[name] = _digest(data)
        self.qr_codes = self._qr_codes()
        self.memo.next_pass()
        self.attachments = self._attachment_files()

    def update(
        self, changed: set[tuple], items: dict, previous: Path, output: Path, *, new_day=False
    ) -> int:
        """Write into `output` the files that differ now that the items `changed` did,
        and remove those gone; `previous` is the previous build's output. Returns the
        number of files written, attachments aside. On a `new_day` every open data file
        is made again: each states the day its statuses are for (status_as_of)."""
        written = self._update_open_data(changed, items, previous, output, new_day)
        files = self._other_files(self.generator.pages)
        codes = self._qr_codes()
        self.memo.next_pass()
        written += _write_changed(files, self.digests, output)
        for name in self.digests.keys() - files.keys():
            remove_file(Path(sanitised_join(str(output), name.lstrip("/"))), output)
            del self.digests[name]
        self._update_attachments(output)
        return written + self._update_qr_codes(codes, output)

    def _other_files(self, pages) -> dict[str, bytes]:
        """Every output file but the pages, feeds, open data, record and attachments;
        the caller starts the memo's next pass."""
        site, config, memo = self.generator.site, self.config, self.memo
        files = {
            "/withdrawn.json": opendata.withdrawn_json(site),
            **sitemap_files(pages, config, memo, limit=config.sitemap_limit),
            ROBOTS_TXT: robots_txt(config),
            **credentials.badges(site.awards, memo),
            # A new rare character gets its glyph; the pages link the same stylesheet.
            **font_files(
                self.generator.content.rare_characters, config.rare_fonts, config.cache_path
            ),
        }
        return files

    def _update_open_data(
        self, changed: set[tuple], items: dict, previous: Path, output: Path, new_day: bool
    ) -> int:
        """The open data files of the years the changed items are in, before or after
        the change, and the index, whose other entries come from the previous build's."""
        years: set[int] = set()
        for key in changed:
            years |= opendata_years.years_of(self.items.get(key))
            years |= opendata_years.years_of(items.get(key))
        if new_day:
            site = self.generator.site
            years |= {document.year for document in (*site.notices, *site.decisions)}
        self.items = items
        index = previous / opendata_years.INDEX.lstrip("/")
        if not index.is_file():
            raise NeedsFullBuild("上一次构建没有开放数据索引")
        made = opendata_years.open_data(
            self.generator.site,
            self.config,
            self.memo,
            years=years,
            previous_index=index.read_bytes(),
        )
        for name in made.gone:
            remove_file(Path(sanitised_join(str(output), name.lstrip("/"))), output)
            self.data_digests.pop(name, None)
        return _write_changed(made.files, self.data_digests, output)

    def _qr_codes(self) -> dict[str, str]:
        """{file: address} of every award's QR code; the caller starts the memo's next pass."""
        awards = self.generator.site.awards
        return credentials.qr_codes(awards, self.config.feed_base_url, self.memo)

    def _update_qr_codes(self, codes: dict[str, str], output: Path) -> int:
        """Make the QR codes of the addresses `codes` that are new; the others are the
        previous build's files, as a QR code depends on its address only."""
        made = 0
        for name, address in codes.items():
            if self.qr_codes.get(name) != address:
                path = Path(sanitised_join(str(output), name.lstrip("/")))
                replace_file(path, credentials.qr_svg(address))
                made += 1
        for name in self.qr_codes.keys() - codes.keys():
            remove_file(Path(sanitised_join(str(output), name.lstrip("/"))), output)
        self.qr_codes = codes
        return made

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


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


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
