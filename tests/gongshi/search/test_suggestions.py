"""The words of "did you mean" (documents.suggestions) and their counts kept up to date record by
record, as an incremental build keeps them: the same as counted afresh."""

from __future__ import annotations

import os
import random
from datetime import date

from gongshi.search.documents import Record, SuggestionCounts, suggestions

NAMES = [
    "运城市精密机械有限公司",
    "运程物流有限公司",
    "许继电源股份有限公司",
    "许继电气",
    "海尔集团",
    "重庆长安汽车",
]


def record(number: int, names: list[str]) -> Record:
    return Record(
        key=f"award:{number}", kind="award", names=names, text=[], day=date(2024, 1, 1), data={}
    )


def test_the_most_frequent_word_of_each_reading():
    found = suggestions(
        [
            record(1, ["运城市精密机械有限公司"]),
            record(2, ["运城市精密机械有限公司"]),
            record(3, ["运程物流有限公司"]),
        ]
    )
    assert found["yuncheng"] == "运城"
    assert list(found) == sorted(found)


def test_counts_kept_record_by_record_equal_counts_made_afresh():
    rng = random.Random(7)
    counted, current = SuggestionCounts(), {}
    for step in range(300):
        number = rng.randrange(40)
        if current.get(number) and rng.random() < 0.3:
            counted.remove(f"award:{number}")
            del current[number]
        else:
            current[number] = record(number, rng.sample(NAMES, rng.randrange(1, 3)))
            counted.add(current[number])
        if step % 25 == 0:
            assert counted.suggestions() == suggestions(list(current.values())), step
    assert counted.suggestions() == suggestions(list(current.values()))


def test_a_records_fields_are_the_same_in_every_process():
    """The keyword fields list each name and 文号 once, in the record's order: they were
    joined from a set, whose order follows the process's string hashing, so the worker's
    digest of a record differed from the full build's (site/gongshi_site/noted.py)."""
    import subprocess
    import sys

    program = (
        "from datetime import date\n"
        "from gongshi.search.documents import Record\n"
        "r = Record(key='notice:1', kind='notice', names=['运城市质量协会', '甲公司', '乙公司'],"
        " text=[], day=date(2024, 1, 2), data={},"
        " document_numbers=['运质〔2024〕1号', '运质〔2024〕2号', '运质〔2024〕3号'])\n"
        "print(r.fields()['exact'], r.fields()['docnum'])\n"
    )
    printed = {
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(1, 6)
    }
    assert len(printed) == 1
