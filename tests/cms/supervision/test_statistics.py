"""The published counts: from plaintext routing fields, through the contract, and only
counts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from intake_client import PASSPHRASE, submit

from cms.publishing import export
from cms.supervision import cases, crypto
from cms.supervision.models import Case
from gongshi import contract

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def programme_document(slug):
    return next(
        item.document
        for item in export.collect()
        if item.document["kind"] == "programme" and item.document["slug"] == slug
    )


def test_counts_by_year_reach_the_programme_file(channel, group_key, users):
    client = Client()
    for text in ("第一件", "第二件", "第三件"):
        assert submit(client, channel.programme, text=text).status_code == 200
    keys = {group_key.pk: crypto.unlock(group_key.locked, PASSPHRASE)}
    first, second, _third = Case.objects.order_by("pk")
    for case, outcome in ((first, "upheld"), (second, "not_upheld")):
        cases.move(case, "acknowledged", users["supervisor"])
        cases.conclude(case, keys, users["supervisor"], outcome, "说明")
    # Dates as if the cases had come in over two years (Beijing time).
    dates = {
        first.pk: (datetime(2025, 3, 1, 9), datetime(2025, 3, 13, 16)),  # 12 days
        second.pk: (datetime(2025, 12, 31, 23), datetime(2026, 1, 1, 8)),  # 1 day, year of receipt
        _third.pk: (datetime(2026, 1, 10, 9), None),
    }
    for pk, (received, concluded) in dates.items():
        Case.objects.filter(pk=pk).update(
            received_at=received.replace(tzinfo=BEIJING),
            concluded_at=concluded and concluded.replace(tzinfo=BEIJING),
        )

    document = programme_document("yuncheng")
    assert document["complaint_statistics"] == [
        {"year": 2025, "received": 2, "concluded": 2, "upheld": 1, "median_days_to_conclude": 7},
        {"year": 2026, "received": 1, "concluded": 0, "upheld": 0, "median_days_to_conclude": None},
    ]
    assert contract.check(document) == []
    assert programme_document("hengyang")["complaint_statistics"] == []
    text = "".join(item.text() for item in export.collect())
    assert "第一件" not in text and "说明" not in text


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (
            {
                "year": 2025,
                "received": 1,
                "concluded": 2,
                "upheld": 0,
                "median_days_to_conclude": 3,
            },
            "concluded",
        ),
        (
            {
                "year": 2025,
                "received": 2,
                "concluded": 1,
                "upheld": 2,
                "median_days_to_conclude": 3,
            },
            "upheld",
        ),
        (
            {
                "year": 2025,
                "received": 2,
                "concluded": 0,
                "upheld": 0,
                "median_days_to_conclude": 3,
            },
            "median_days_to_conclude",
        ),
        (
            {
                "year": 2025,
                "received": 2,
                "concluded": 1,
                "upheld": 0,
                "median_days_to_conclude": None,
            },
            "median_days_to_conclude",
        ),
        (
            {
                "year": 2025,
                "received": -1,
                "concluded": 0,
                "upheld": 0,
                "median_days_to_conclude": None,
            },
            "received",
        ),
        (
            {
                "year": 2025,
                "received": 1,
                "concluded": 0,
                "upheld": 0,
                "median_days_to_conclude": None,
                "text": "x",
            },
            "text",
        ),
    ],
)
def test_the_contract_refuses_inconsistent_counts(programmes, row, field):
    document = programme_document("yuncheng")
    document["complaint_statistics"] = [row]
    assert any(path.endswith(field) for path, _ in contract.check(document))


def test_years_must_increase(programmes):
    document = programme_document("yuncheng")
    row = {
        "year": 2025,
        "received": 1,
        "concluded": 0,
        "upheld": 0,
        "median_days_to_conclude": None,
    }
    document["complaint_statistics"] = [row, row]
    assert ("complaint_statistics", "年份应从小到大且不重复") in contract.check(document)


@pytest.mark.django_db(transaction=True)
def test_concluding_a_case_asks_for_a_build_once_committed(channel, group_key, users):
    """The published counts change when a case is concluded: the site is rebuilt, and only
    after the conclusion is committed (a rolled-back one changes nothing)."""
    from cms.publishing.models import SiteBuild

    assert submit(Client(), channel.programme, text="办结后重建").status_code == 200
    keys = {group_key.pk: crypto.unlock(group_key.locked, PASSPHRASE)}
    case = Case.objects.get()
    cases.move(case, "acknowledged", users["supervisor"])

    def asked() -> int:
        trigger = "举报案件办结（更新统计）"
        return sum(trigger in build.trigger_list for build in SiteBuild.objects.all())

    assert asked() == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        cases.conclude(case, keys, users["supervisor"], "upheld", "说明")
        raise RuntimeError("rolled back")
    assert asked() == 0
    cases.conclude(Case.objects.get(), keys, users["supervisor"], "upheld", "说明")
    assert asked() == 1
