"""A publish's build reads and hashes only what the log gained (ADR 0031): the CMS's side
extends the tree it checked for the live head with the last page's new rows, the site's
side with the pages it was given. Both must give exactly what a full read gives, across
page boundaries (pages of 3 entries here), and refuse a rewritten entry they read."""

import json

import pytest
from django.db import connection, transaction

from cms.recordlog import appending, keys
from cms.recordlog import export as record_export
from gongshi.record import heads
from gongshi_site import record as site_record

pytestmark = pytest.mark.django_db
PAGE = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(record_export, "PAGE_SIZE", PAGE)
    monkeypatch.setattr(site_record, "PAGE_SIZE", PAGE)
    record_export._Checked.forget()
    yield
    record_export._Checked.forget()


def append(count: int, start: int) -> None:
    with transaction.atomic():
        for number in range(start, start + count):
            appending.append(
                event="publish", url=f"/notices/{number}/", kind="notice", sha256="ab" * 32
            )


def write(directory, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def test_a_publish_reads_only_the_last_page_and_gives_what_a_full_read_gives(small_pages, tmp_path):
    keys.load()
    content = tmp_path / "content"
    append(4, 0)
    write(content, record_export.files(today=None))
    head = record_export.previous_head(content)
    log = site_record.read_log(content)
    read: list[int] = []
    original = record_export.entries

    def counted(since=0):
        rows = original(since)
        read.append(len(rows))
        return rows

    for grow in (1, 2, 3, 5, 1):  # onto a full page, within one, across two
        append(grow, head["size"])
        read.clear()
        record_export.entries = counted
        try:
            incremental = record_export.files(head, incremental=True)
        finally:
            record_export.entries = original
        assert read == [head["size"] % PAGE + grow]  # the last page's rows, no more
        full = record_export.files(head)
        assert incremental == full
        write(content, incremental)
        new_head = record_export.previous_head(content)
        extended = site_record.read_log(content, checked=head["size"], previous=log)
        whole = site_record.read_log(content)
        assert extended.entries == whole.entries and extended.tree.levels == whole.tree.levels
        heads.check_consistency(head, new_head, whole.entries, whole.tree)
        head, log = new_head, extended


def test_an_entry_rewritten_in_the_page_a_publish_reads_is_refused(small_pages, tmp_path):
    keys.load()
    content = tmp_path / "content"
    append(4, 0)
    write(content, record_export.files())
    head = record_export.previous_head(content)
    log = site_record.read_log(content)
    append(1, 4)
    with connection.cursor() as cursor:  # entry 3 is on the last page, under the head
        cursor.execute(
            "UPDATE recordlog_recordentry SET data = REPLACE(data, 'notices/3/', 'notices/9/') "
            'WHERE "index" = 3'
        )
    with pytest.raises(heads.RecordInvalid, match="记录被改动"):
        record_export.files(head, incremental=True)

    # the site's side: the page it is given rewrites an entry under the head it had
    page = content / "record" / "entries" / "1.json"
    texts = json.loads(page.read_text())
    entry = json.loads(texts[0])
    entry["reason"] = "改写"
    texts[0] = heads.entry_bytes(entry).decode()
    page.write_text(json.dumps(texts, ensure_ascii=False))
    with pytest.raises(heads.RecordInvalid, match="记录被改动"):
        site_record.read_log(content, checked=head["size"], previous=log)
