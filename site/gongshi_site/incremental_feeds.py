"""The feeds of an incremental build: the entries a change affects, the documents they are in.

A feed document is a page of entries (feeds.py), and a publish changes the entries of a
few documents only. The worker keeps every document's entries, prepared as the full build
prepares them, sorted into the feeds as feeds.feed_plan sorts them, and for every feed
document what decided it; after a change it makes again the entries of the documents the
change reaches (model_changes.ModelGraph.near), files them into their feeds, and writes a
feed document again only if what decides it did change.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from pelican.utils import sanitised_join

from .feed_entries import document_entries
from .feeds import empty_updated, feed_document, feed_document_plan, prepare, programmes_updated
from .incremental_limits import NeedsFullBuild
from .linked_tree import remove_file, replace_file

_FEED_KINDS = ("call", "notice", "decision", "revocation")


class BuiltFeeds:
    """The last build's feeds: their entries, and what decided each of their documents."""

    def __init__(self, generator):
        self.generator = generator
        self.config = generator.config
        self.entries: dict[tuple, list] = {}  # document key -> its FeedEntry list
        self.ready: dict[str, object] = {}  # entry id -> ReadyEntry
        # Each feed's entries, oldest first, with their order keys (for bisect).
        self.feed_entries: dict[tuple, tuple[list, list]] = {}
        self.plans: dict[str, tuple] = {}  # feed document URL -> what decides it
        self.urls: dict[tuple, set[str]] = {}  # feed key -> its documents' URLs

    def load(self) -> None:
        """File the entries of every document of the generator's model, as the generator
        made and prepared them for its feed plan."""
        feeds = self.generator.feeds
        self.entries, newest_first = self.generator.take_feed_entries()
        for ready in newest_first:
            self.ready[ready.entry.id] = ready
        self.feed_entries = {feed.key: ([], []) for feed in feeds.all}
        for ready in reversed(list(self.ready.values())):  # oldest first
            self._file_entry(ready, set())
        for feed in feeds.all:
            self._plan_feed(feed)

    def write(self, near: set[tuple], output: Path, items: dict, *, new_day: bool = False) -> int:
        """Make the feed entries of the documents `near` a change again, and write the
        documents of the feeds whose entries changed; on a `new_day`, those of the feeds
        with no entries too if they are dated the build date (feeds.empty_updated)."""
        catalogue = self.generator.feeds
        changed_ids, touched = set(), set()
        dated = set()
        programmes_moment = programmes_updated(catalogue)
        if new_day and programmes_moment is None:
            dated = {key for key, (_keys, entries) in self.feed_entries.items() if not entries}
        for key in near:
            if key[0] not in _FEED_KINDS:
                continue
            old_entries = self.entries.pop(key, [])
            document = items.get(key)
            new_entries = []
            if document is not None:
                self.entries[key] = new_entries = document_entries(document)
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
        for key in sorted(touched | dated, key=str):
            for url, plan in self._plan_feed(catalogue.get(*key), output).items():
                entries_now = plan[1][-2]
                if (
                    plan[0] != plan[1][:-1]
                    or changed_ids & set(entries_now)
                    or (key in dated and not entries_now)
                ):
                    feed, format, entries, number, count = plan[1][-1]
                    data = feed_document(
                        feed,
                        entries,
                        format,
                        self.config.feed_base_url,
                        number,
                        count,
                        empty_updated(feed, programmes_moment, self.config.build_date),
                    )
                    replace_file(Path(sanitised_join(str(output), url.lstrip("/"))), data)
                    written += 1
        return written

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
            plans[url] = (self.plans.get(url), decided)
            self.plans[url] = decided[:-1]
        for url in self.urls.get(feed.key, set()) - plans.keys():
            del self.plans[url]
            if output is not None:
                remove_file(Path(sanitised_join(str(output), url.lstrip("/"))), output)
        self.urls[feed.key] = set(plans)
        return plans
