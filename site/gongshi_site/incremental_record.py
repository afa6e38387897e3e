"""The publication log in an incremental build: its new entries checked, their files written.

A full build reads and checks the whole log (record.py, ADR 31). A publish adds a few
entries, so the worker keeps the signed head it last published and checks only that the
new head extends it (a consistency proof over the new entries), then writes the log's
files for those entries and the document.md of each changed document. A new signing key
is on every page's record: that takes a full build.
"""

from __future__ import annotations

from pathlib import Path

from pelican.utils import sanitised_join

from gongshi.record import heads

from . import record
from .incremental_limits import NeedsFullBuild
from .linked_tree import remove_file, replace_file


class PublishedLog:
    """The publication log as the last build published it: its signed head."""

    def __init__(self, generator):
        self.generator = generator
        log = getattr(generator, "record_log", None)
        self.head: dict | None = log.head if log else None

    def read(self, content_path: Path):
        """The log in the new content/, checked: its new entries make the signed head,
        which extends the head this state published (a consistency proof)."""
        previous = self.generator.record_log
        if previous is None or previous.head != self.head:
            previous = None
        log = record.read_log(
            content_path,
            checked=self.head["size"] if self.head else 0,
            previous=previous,
        )
        if log is not None and self.head is not None:
            heads.check_consistency(self.head, log.head, log.entries, log.tree)
            if previous is not None:
                log.extend(previous)
        return log

    def write(self, content_path: Path, changed: list[str], output: Path, new: bool) -> int:
        """The log's files for the new entries (record.py), and the document.md of each
        changed document; how many files were written."""
        log = self.generator.record_log if new else None
        if log is None:
            return 0
        if self.head is None or log.head["public_key"] != self.head["public_key"]:
            raise NeedsFullBuild("公开记录的签名密钥已更换")
        since = self.head["size"]
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
        self.head = log.head
        return len(files)
