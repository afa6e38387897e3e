"""The words of "did you mean" (documents.suggestions) and their counts kept up to date record by
record, as an incremental build keeps them: the same as counted afresh."""

from __future__ import annotations

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
