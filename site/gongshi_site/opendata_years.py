"""The open data as files: one set per year, the whole-archive files while small, and
/data/index.json listing every file with its size and SHA-256 (docs/open-data.md).

A year's files hold the items of the documents signed that year: its publicity notices
(notices-<year>.json) and the awards of its decisions (winners-<year>.json and .csv),
each award with its status and revocation. They are made of that year's documents and
the revocations of its awards, nothing else, so a publish rewrites the files of the
years its documents fall in (years_of()) and the index; the other years' entries of the
index are copied from the previous build's index (incremental.py).

The formats are those of the whole-archive files (opendata.py); in a year's winners
files a winner is described by that year's awards only (their name as of the latest of
them). The whole-archive files (winners.json, winners.csv, notices.json) are written
while they list at most SiteSettings.open_data_whole_limit items (awards, notices):
past that size a publish would rewrite megabytes for one change.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from . import opendata, urls
from .assemble import winner_of
from .memo import Memo
from .model import Award, Decision, Notice, Revocation, Site, Winner
from .settings import SiteSettings

INDEX = "/data/index.json"

# The datasets, in the order the index lists them: (name, the whole-archive file).
DATASETS = (
    ("notices", urls.NOTICES_JSON),
    ("winners", urls.WINNERS_JSON),
    ("winners-csv", urls.WINNERS_CSV),
)


def year_file(dataset: str, year: int) -> str:
    """/data/notices-2024.json, /data/winners-2024.json, /data/winners-2024.csv"""
    if dataset == "winners-csv":
        return f"{urls.DATA}winners-{year}.csv"
    return f"{urls.DATA}{dataset}-{year}.json"


@dataclass
class OpenData:
    """Files to write ({site path: bytes}, the index among them) and files that are gone."""

    files: dict[str, bytes]
    gone: list[str]


def years_of(item) -> set[int]:
    """The years whose files an item of the model is part of."""
    if isinstance(item, (Notice, Decision)):
        return {item.year}
    if isinstance(item, Award):
        return {item.decision.year}
    if isinstance(item, Revocation) and item.award is not None:
        return {item.award.decision.year}
    return set()


def open_data(
    site: Site,
    config: SiteSettings,
    memo: Memo | None = None,
    *,
    years: Iterable[int] | None = None,
    previous_index: bytes | None = None,
) -> OpenData:
    """Every open data file (`years` None, a full build), or the files of `years` only
    with the other years' index entries taken from `previous_index` (the bytes of the
    previous build's index, which the result's index then replaces)."""
    memo = memo or Memo()
    entries: dict[tuple[str, int | None], dict] = {}
    files: dict[str, bytes] = {}
    gone: list[str] = []
    if years is None:
        notices_by_year = _by_year(site.notices)
        decisions_by_year = _by_year(site.decisions)
        selected = sorted(notices_by_year.keys() | decisions_by_year.keys())
    else:
        selected = sorted(set(years))
        notices_by_year = {year: _of_year(site.notices, year) for year in selected}
        decisions_by_year = {year: _of_year(site.decisions, year) for year in selected}
        for entry in json.loads(previous_index)["files"] if previous_index else []:
            key = (entry["dataset"], entry["year"])
            if entry["year"] is None or entry["year"] not in selected:
                entries[key] = entry
            else:
                gone.append(year_file(entry["dataset"], entry["year"]))
    for year in selected:
        made = _year_files(
            site, config, memo, year, notices_by_year.get(year, []), decisions_by_year.get(year)
        )
        for dataset, (data, count) in made.items():
            url = year_file(dataset, year)
            files[url] = data
            entries[(dataset, year)] = _entry(dataset, year, url, data, count, config)
    whole = {}
    for dataset, url, data, count in _whole_files(site, config, memo):
        files[url] = data
        whole[dataset] = _entry(dataset, None, url, data, count, config)
    for dataset, url in DATASETS:
        if dataset in whole:
            entries[(dataset, None)] = whole[dataset]
        elif entries.pop((dataset, None), None) is not None:
            gone.append(url)  # grown past the limit since the previous build
    gone = sorted(set(gone) - files.keys())
    files[INDEX] = _index(site, entries)
    return OpenData(files, gone)


def listed_files(site: Site, config: SiteSettings) -> tuple[list[str], list[tuple[int, list]]]:
    """What the open data page links: the whole-archive files written, and each year,
    newest first, with its files."""
    whole = [url for dataset, url in DATASETS if _whole_written(site, config, dataset)]
    notice_years = {notice.year for notice in site.notices}
    award_years = {decision.year for decision in site.decisions if decision.awards}
    years = []
    for year in sorted(notice_years | award_years, reverse=True):
        datasets = (["notices"] if year in notice_years else []) + (
            ["winners", "winners-csv"] if year in award_years else []
        )
        years.append((year, [year_file(dataset, year) for dataset in datasets]))
    return whole, years


def _whole_written(site: Site, config: SiteSettings, dataset: str) -> bool:
    if dataset == "notices":
        return len(site.notices) <= config.open_data_whole_limit
    return sum(len(decision.awards) for decision in site.decisions) <= config.open_data_whole_limit


def _by_year(documents: list) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for document in documents:
        grouped.setdefault(document.year, []).append(document)
    return grouped


def _of_year(documents: list, year: int) -> list:
    """The documents of `year` from a newest-first list (model.SORT_KEY: by date signed)."""
    start = bisect.bisect_left(documents, -year, key=lambda document: -document.year)
    end = bisect.bisect_right(documents, -year, key=lambda document: -document.year)
    return documents[start:end]


def _year_files(site, config, memo, year, notices, decisions) -> dict[str, tuple[bytes, int]]:
    """{dataset: (bytes, count)} of one year; a dataset with nothing that year has none."""
    made = {}
    if notices:
        data = opendata.notices_json(_Scope(site, notices=notices), config, memo)
        made["notices"] = (data, len(notices))
    winners = _winners_of(decisions or [], year, memo)
    if winners:
        scope = _Scope(site, winners=winners)
        made["winners"] = (opendata.winners_json(scope, config, memo, scope=year), len(winners))
        rows = sum(len(winner.awards) for winner in winners)
        made["winners-csv"] = (opendata.winners_csv(scope, config, memo, scope=year), rows)
    return made


def _winners_of(decisions: list[Decision], year: int, memo: Memo) -> list[Winner]:
    """The winners of a year's awards, each with those awards only, by name as the
    register lists them. A winner all of whose awards are of the year is the register's
    own Winner; the others are made of the year's awards (the same ones again give the
    same object)."""
    winners: dict[str, Winner] = {}
    for decision in decisions:
        for award in decision.awards:
            winners.setdefault(award.winner.key, award.winner)
    selected = []
    for key, winner in winners.items():
        own = [award for award in winner.awards if award.decision.year == year]
        if len(own) != len(winner.awards):
            made = partial(winner_of, key, own)
            winner = memo.keyed(("winner of year", year, key), tuple(map(id, own)), made)
        selected.append(winner)
    return sorted(selected, key=lambda winner: (winner.name, winner.key))


class _Scope:
    """What opendata's functions read of a Site (its day, its notices, its winners),
    limited to one year's items."""

    def __init__(self, site: Site, notices=(), winners=()):
        self.today = site.today
        self.notices = notices
        self.winners = winners


def _whole_files(site: Site, config: SiteSettings, memo: Memo):
    """The whole-archive files that are small enough: (dataset, path, bytes, count)."""
    if _whole_written(site, config, "notices"):
        data = opendata.notices_json(site, config, memo)
        yield "notices", urls.NOTICES_JSON, data, len(site.notices)
    if _whole_written(site, config, "winners"):
        awards = sum(len(winner.awards) for winner in site.winners)
        data = opendata.winners_json(site, config, memo)
        yield "winners", urls.WINNERS_JSON, data, len(site.winners)
        yield "winners-csv", urls.WINNERS_CSV, opendata.winners_csv(site, config, memo), awards


def _entry(dataset, year, url, data: bytes, count: int, config: SiteSettings) -> dict:
    return {
        "dataset": dataset,
        "year": year,
        "url": config.absolute(url),
        "count": count,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _index(site: Site, entries: dict) -> bytes:
    """Whole-archive files first, then each year from the oldest, datasets in order."""
    order = {dataset: position for position, (dataset, _url) in enumerate(DATASETS)}
    listed = sorted(
        entries.values(),
        key=lambda entry: (entry["year"] is not None, entry["year"] or 0, order[entry["dataset"]]),
    )
    fields = ("dataset", "year", "url", "count", "size", "sha256")
    index = {
        "status_as_of": site.today.isoformat(),
        "files": [{name: entry[name] for name in fields} for entry in listed],
    }
    return (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
