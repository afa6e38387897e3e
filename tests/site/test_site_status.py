"""Statuses that depend on the day, before, inside and after their dates."""

from datetime import date

import pytest
from sitebuild import FIXTURE_CONTENT

from gongshi import contract
from gongshi_site.assemble import assemble
from gongshi_site.reader import read_content
from gongshi_site.status import award_status, call_status, days_left, publicity_status

START, END = date(2024, 6, 10), date(2024, 6, 14)


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2024, 6, 9), "未开始"),
        (START, "公示中"),
        (date(2024, 6, 12), "公示中"),
        (END, "公示中"),  # the last day is still open
        (date(2024, 6, 15), "已结束"),
    ],
)
def test_publicity_status(today, expected):
    assert publicity_status(START, END, today).label == expected


def test_days_left_counts_to_the_last_day():
    assert days_left(END, date(2024, 6, 12)) == 2
    assert days_left(END, END) == 0


@pytest.mark.parametrize(
    "today, expected",
    [(date(2023, 4, 29), "申报中"), (date(2023, 4, 30), "申报中"), (date(2023, 5, 1), "已截止")],
)
def test_call_status(today, expected):
    assert call_status(date(2023, 4, 30), today).label == expected


@pytest.mark.parametrize(
    "valid_until, revoked_on, today, expected",
    [
        (date(2026, 11, 19), None, date(2024, 6, 12), "有效"),
        (date(2026, 11, 19), None, date(2026, 11, 19), "有效"),  # valid through its last day
        (date(2026, 11, 19), None, date(2026, 11, 20), "已过期"),
        (None, None, date(2099, 1, 1), "有效"),  # no end date: does not expire
        (date(2026, 11, 19), date(2024, 3, 1), date(2024, 6, 12), "已撤销"),
        (date(2020, 1, 1), date(2024, 3, 1), date(2024, 6, 12), "已撤销"),  # over expired
    ],
)
def test_award_status(valid_until, revoked_on, today, expected):
    assert award_status(valid_until, revoked_on, today).label == expected


def test_fixture_statuses_on_the_build_date():
    site = assemble(read_content(FIXTURE_CONTENT), date(2024, 6, 12), "")
    assert {notice.id: notice.status.key for notice in site.notices} == {
        41: "open",
        33: "ended",
        32: "ended",
    }
    assert {award.id: award.status.key for award in site.awards} == {
        301: "revoked",
        302: "expired",
        303: "valid",
    }
    (revocation,) = site.revocations
    assert revocation.award.revocation is revocation and revocation.award.id == 301


def test_two_people_of_one_name_are_two_winners(content):
    """A person is the person's id from the CMS: a namesake in the same list is another
    winner, with a page, an award history and a status of their own."""
    path = content / "decisions" / "34.md"
    document, body = contract.load(path.read_text(encoding="utf-8"), str(path))
    person = next(a for a in document["awards"] if a["category"] == "individual")
    namesake = {**person, "id": 304, "recipient_id": "p-0123456789ab"}
    document["awards"].append(namesake)
    path.write_text(contract.dump(document, body), encoding="utf-8")

    site = assemble(read_content(content), date(2024, 6, 12), "测试")
    people = [w for w in site.winners if w.name == person["recipient"]]
    assert {w.key for w in people} == {person["recipient_id"], "p-0123456789ab"}
    assert len({w.url for w in people}) == 2
    assert [len(w.awards) for w in people] == [1, 1]
    assert all("王" not in w.url for w in people)
