"""A new build date is an incremental build, byte for byte the full build of that day.

Each case sets up content whose statuses the day changes (a period opening, one
closing, an award expiring, several at once over a gap of days, a new year, nothing at
all), builds it in full on the old day, loads the state, moves it to the new day with no
content changed, and compares the output and the search index with a full build of the
same content on the new day. Every date is pinned: Beijing midnight is 16:00 UTC, so a
test that read the clock would change its meaning with the hour it runs at.
"""

from __future__ import annotations

import shutil
from datetime import date
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from incremental_support import (
    as_json,
    differences,
    full_build,
    new_notice,
    open_state,
    read,
    write,
)
from sitebuild import FIXTURE_CONTENT

from gongshi_site import model
from gongshi_site.incremental_day import documents_whose_status_changes
from gongshi_site.incremental_limits import NeedsFullBuild

MOMENT = "2024-06-11T09:00:00+08:00"


def _notice(content: Path, item_id: int, signed: str, start: str, end: str) -> None:
    new_notice(content, item_id, signed=signed, start=start, end=end, published=MOMENT)


def _award_valid_until(content: Path, award_id: int, day: str) -> None:
    document, body = read(content, "decisions/34.md")
    document = as_json(document)
    for award in document["awards"]:
        if award["id"] == award_id:
            award["valid_until"] = day
    write(content, "decisions/34.md", document, body)


def opening(content: Path) -> None:
    _notice(content, 60, "2024-06-11", "2024-06-13", "2024-06-19")


def closing(content: Path) -> None:
    """The fixture's notice 41 is open from 2024-06-10 to 2024-06-14."""


def expiring(content: Path) -> None:
    _award_valid_until(content, 302, "2024-06-12")


def several(content: Path) -> None:
    opening(content)
    expiring(content)
    _notice(content, 61, "2024-06-11", "2024-06-17", "2024-06-21")  # opens and closes


def new_year(content: Path) -> None:
    _notice(content, 62, "2024-12-20", "2024-12-24", "2024-12-31")  # its last day
    _notice(content, 63, "2024-12-30", "2025-01-01", "2025-01-07")  # opens on 1 January
    _award_valid_until(content, 302, "2024-12-31")


def quiet(content: Path) -> None:
    """Nothing opens, closes or expires between the two days."""


CASES = [
    (opening, "2024-06-12", "2024-06-13"),
    (closing, "2024-06-14", "2024-06-15"),
    (expiring, "2024-06-12", "2024-06-13"),
    (several, "2024-06-12", "2024-06-22"),  # the worker was down for ten days
    (new_year, "2024-12-31", "2025-01-01"),
    (quiet, "2024-07-01", "2024-07-02"),
]


@pytest.mark.parametrize(("setup", "old", "new"), CASES, ids=[case[0].__name__ for case in CASES])
def test_a_new_day_builds_as_a_full_build_of_that_day_would(tmp_path, setup, old, new):
    from gongshi_site.linked_tree import link_tree

    first = tmp_path / "first"
    shutil.copytree(FIXTURE_CONTENT, first / "content")
    setup(first / "content")
    full_build(first / "content", first, old)
    state = open_state(first / "content", first, old)
    expected_changes = documents_whose_status_changes(
        state.generator.site, date.fromisoformat(old), date.fromisoformat(new)
    )
    pages = len(state.pages.fingerprints)

    build = tmp_path / "next"
    link_tree(first / "content", build / "content")
    report = state.update(
        build / "content", [], build / "output", build / "search",
        build_date=date.fromisoformat(new),
    )  # fmt: skip
    expected = tmp_path / "full"
    shutil.copytree(first / "content", expected / "content")
    full_build(expected / "content", expected, new)
    assert differences(expected, build) == []
    assert state.config.build_date == date.fromisoformat(new)
    assert report.pages_rendered < pages / 2
    if setup is quiet:
        assert expected_changes == set()
        written = {Path(name).relative_to(build / "output").as_posix() for name in report.touched}
        # The pages that state the day (register, statistics, open data page) and the
        # open data files: no document's page, no feed (an empty one is dated by its
        # programme, not by the day).
        assert not any(name.startswith(("notices/", "decisions/", "feeds/")) for name in written)
        assert len(written) < 20, sorted(written)
    else:
        assert expected_changes
        assert report.changed_items >= len(expected_changes)


def test_a_date_going_backwards_is_refused(tmp_path):
    first = tmp_path / "first"
    shutil.copytree(FIXTURE_CONTENT, first / "content")
    full_build(first / "content", first, "2024-06-12")
    state = open_state(first / "content", first, "2024-06-12")
    with pytest.raises(NeedsFullBuild, match="退回"):
        state.update(
            first / "content", [], tmp_path / "next" / "output", tmp_path / "next" / "search",
            build_date=date(2024, 6, 11),
        )  # fmt: skip


# The rule, on its own: documents with just the dates it reads.


def _site(notices=(), calls=(), awards=()):
    return SimpleNamespace(notices=list(notices), calls=list(calls), awards=list(awards))


def _as(model_class, **fields):
    """A stand-in with only the fields the status reads, and the model's own status_on."""
    item = SimpleNamespace(**fields)
    item.status_on = partial(model_class.status_on, item)
    return item


def _period(item_id, start, end):
    record = SimpleNamespace(
        start_date=date.fromisoformat(start), end_date=end and date.fromisoformat(end)
    )
    return _as(model.Notice, kind="notice", id=item_id, record=record)


def _call(item_id, deadline):
    record = SimpleNamespace(application_deadline=date.fromisoformat(deadline))
    return _as(model.Call, kind="call", id=item_id, record=record)


def _award(item_id, valid_until, revoked_on=None):
    revocation = revoked_on and SimpleNamespace(date_signed=date.fromisoformat(revoked_on))
    return _as(
        model.Award,
        id=item_id,
        valid_until=valid_until and date.fromisoformat(valid_until),
        revocation=revocation,
    )


SITE = _site(
    notices=[
        _period(1, "2024-06-13", "2024-06-19"),  # opens on the 13th
        _period(2, "2024-06-03", "2024-06-12"),  # its last day is the 12th
        _period(3, "2024-05-01", "2024-05-10"),  # long closed
        _period(4, "2024-06-13", None),  # no end: 已公布 from the 13th
        _period(5, "2024-06-01", None),  # 已公布 all along
        _period(6, "2024-06-01", "2024-06-30"),  # open: a day fewer left every day
        _period(7, "2025-01-01", "2025-01-07"),  # opens with the new year
    ],
    calls=[_call(1, "2024-06-12"), _call(2, "2024-12-31")],
    awards=[
        _award(1, "2024-06-12"),  # expires on the 13th
        _award(2, None),  # never expires
        _award(3, "2030-01-01", revoked_on="2024-06-14"),  # revoked, signed for the 14th
        _award(4, "2024-06-12", revoked_on="2024-01-01"),  # revoked long ago
        _award(5, "2024-12-31"),  # expires with the year
    ],
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2024-06-12", "2024-06-12", set()),
        (
            "2024-06-12",
            "2024-06-13",
            {("notice", 1), ("notice", 2), ("notice", 4), ("notice", 6), ("call", 1), ("award", 1)},
        ),
        ("2024-06-13", "2024-06-14", {("notice", 1), ("notice", 6), ("award", 3)}),
        # A week's gap: the statuses of the last day against those of the first.
        (
            "2024-06-10",
            "2024-06-17",
            {("notice", 1), ("notice", 2), ("notice", 4), ("notice", 6)}
            | {("call", 1), ("award", 1), ("award", 3)},
        ),
        # Notice 1 opened and closed within the gap; notice 6 is still open.
        (
            "2024-06-12",
            "2024-06-20",
            {("notice", 1), ("notice", 2), ("notice", 4), ("notice", 6)}
            | {("call", 1), ("award", 1), ("award", 3)},
        ),
        ("2024-12-31", "2025-01-01", {("notice", 7), ("call", 2), ("award", 5)}),
        ("2024-07-01", "2024-07-02", set()),
    ],
)
def test_the_documents_whose_status_a_day_changes(old, new, expected):
    assert (
        documents_whose_status_changes(SITE, date.fromisoformat(old), date.fromisoformat(new))
        == expected
    )


def test_a_period_that_opened_and_closed_while_the_worker_was_down():
    """Upcoming on the old day, closed on the new: never built open, yet changed."""
    site = _site(notices=[_period(1, "2024-06-13", "2024-06-14")])
    assert documents_whose_status_changes(site, date(2024, 6, 12), date(2024, 6, 20)) == {
        ("notice", 1)
    }


def test_a_day_going_backwards_is_refused():
    with pytest.raises(NeedsFullBuild, match="退回"):
        documents_whose_status_changes(SITE, date(2024, 6, 13), date(2024, 6, 12))
