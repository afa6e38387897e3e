"""Search and 获奖核验 answer the same after incremental publishes as after a full build.

The corpus of tests/search_corpus.py (the names search must get right) is built in full
with the real Pelican, then published to one change at a time, incrementally, from the
state of the step before: new decisions and notices, corrections, a revocation, an
unpublished notice, past the number of segments at which the index is compacted. After
one, two and all of the publishes, the whole table of queries (Chinese, pinyin, initials,
Latin, credit codes, 文号; search and verification) is answered by the extended index and
by a full build's index of the same content, and the answers must be equal.

A second segment once made whoosh's stored field lengths unreadable (None for a document
with an empty field, such as a Latin name's initials): every pinyin or Latin query then
answered 500 until the next full build.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from incremental_support import as_json, full_build, open_state, read, remove, write
from search_corpus import (
    CHANGAN,
    HAIER,
    RENAMED,
    REVOKED,
    TODAY,
    XUJI,
    c,  # tests/bench/corpus.py: the document builders
    write_corpus,
)

from gongshi.search import answers, engine
from gongshi.search import incremental as search_incremental

BUILD_DATE = TODAY.isoformat()
DAY = date(2024, 6, 11)
MOMENT = f"{DAY.isoformat()}T09:00:00+08:00"
LATIN = c.credit_code("110000", 101)  # a winner with a Latin name: it has no initials at all

# (service, query, parameters): every way people search and verify.
QUERIES = [
    # Chinese: full names, fragments, homophone typos, traditional characters
    ("search", "许继电源股份有限公司", {}),
    ("search", "许继电源", {}),
    ("search", "继电", {}),
    ("search", "海尔集团", {}),
    ("search", "示范机械厂", {}),
    ("search", "长安有限公司", {}),
    ("search", "海儿", {}),
    ("search", "許繼電源", {}),
    ("search", "质量管理", {}),
    ("search", '"质量管理"', {}),
    ("search", "造假电子", {}),
    ("search", "示例市市长质量奖", {"size": "50"}),
    ("search", "示例市市长质量奖", {"kind": "award", "size": "50"}),
    ("search", "示例市市长质量奖", {"status": "revoked"}),
    ("search", "示例市市长质量奖", {"status": "expired"}),
    ("search", "示例市市长质量奖", {"year": "2024", "size": "50"}),
    ("search", "示例市", {"kind": "notice", "sort": "date"}),
    ("search", "示例市", {"sort": "date", "size": "50"}),
    ("search", "钢管制造", {}),
    ("search", "王示范", {}),
    # pinyin, initials, Latin
    ("search", "xujidianyuan", {}),
    ("search", "xujidianyaun", {}),
    ("search", "xjdy", {}),
    ("search", "haier", {}),
    ("search", "chongqing", {}),
    ("search", "zhongqing", {}),
    ("search", "cqca", {}),
    ("search", "shili", {"size": "50"}),
    ("search", "sl", {"size": "50"}),
    ("search", "ggzz", {}),
    ("search", "ABB", {}),
    ("search", "ＸＵＪＩ", {}),
    ("search", "gangguan", {}),
    # credit codes, exactly; a wrong check character
    ("search", XUJI, {}),
    ("search", HAIER.lower(), {}),
    ("search", f"{CHANGAN[:6]} {CHANGAN[6:]}", {}),
    ("search", RENAMED, {"kind": "award"}),
    ("search", LATIN, {}),
    ("search", XUJI[:17] + ("0" if XUJI[17] != "0" else "1"), {}),
    # 文号
    ("search", "示政发〔2023〕20号", {}),
    ("search", "示政发〔2024〕31号", {}),
    ("search", "示政发〔2020〕5号", {}),
    # verification: exact names, codes, similar names, revoked and renamed winners
    ("verify", "许继电源股份有限公司", {}),
    ("verify", "海尔集团有限公司", {}),
    ("verify", "示例市示范机械厂", {}),
    ("verify", "示例市造假电子有限公司", {}),
    ("verify", "示例钢管制造股份有限公司", {}),
    ("verify", "ABB", {}),
    ("verify", "xujidianyuan", {}),
    ("verify", "haier", {}),
    ("verify", XUJI, {}),
    ("verify", REVOKED, {}),
    ("verify", LATIN, {}),
    ("verify", "示例", {}),
]


def answer(index, service: str, q: str, params: dict) -> dict:
    if service == "verify":
        return answers.verify(index, q, TODAY)
    return answers.search(index, answers.Request.from_params({"q": q, **params}), TODAY)


# --- Publishes: each changes content/ as the CMS's export would ------------------------------


def _level() -> str:
    return "示例市市长质量奖"


def _edition(content: Path) -> dict:
    document, _ = read(content, "decisions/32.md")
    return document["edition"]


def _award(item_id: int, recipient: str, code: str) -> dict:
    return c.award(item_id, recipient, code, _level(), 2024, DAY, date(2029, 6, 10))


def new_decision(number: int):
    """A decision with a Latin-named winner (no initials) and a Chinese-named one."""

    def publish(content: Path) -> list[str]:
        awards = [
            _award(number * 10 + 1, "ABB", LATIN),
            _award(
                number * 10 + 2,
                "示例钢管制造股份有限公司",
                c.credit_code("140800", 100 + number),
            ),
        ]
        document = c.decision(
            number,
            "shili",
            _edition(content),
            f"示政发〔2024〕{number}号",
            DAY,
            "示例市人民政府",
            awards,
        )
        return [
            str(
                c.write(content, document, "决定授予下列组织示例市市长质量奖。").relative_to(
                    content
                )
            )
        ]

    publish.__name__ = f"new_decision_{number}"
    return publish


def new_notice(number: int):
    def publish(content: Path) -> list[str]:
        entries = [_award(0, "示例钢管制造有限公司", c.credit_code("140800", 200 + number))]
        document = c.notice(
            number, "shili", _edition(content), DAY, "示例市质量奖评审办公室", entries
        )
        document["title"] += f"（第{number}批）"
        body = "公示期间如有异议，请实名反映。"
        return [str(c.write(content, document, body).relative_to(content))]

    publish.__name__ = f"new_notice_{number}"
    return publish


def correct_decision(content: Path) -> list[str]:
    """A major correction: the 2023 decision's winner renamed, its title amended."""
    document, body = read(content, "decisions/32.md")
    document = as_json(document)
    document["title"] += "（更正）"
    award = next(award for award in document["awards"] if award["id"] == 202)
    award["region"] = "示例市南区"
    document["last_published_at"] = MOMENT
    document["changes"].append({"published_at": MOMENT, "note": "更正地区", "is_major": True})
    return [write(content, "decisions/32.md", document, body)]


def revoke_latin_winner(number: int):
    def publish(content: Path) -> list[str]:
        decision, _ = read(content, "decisions/31.md")
        document = c.revocation(
            number,
            "shili",
            decision["edition"],
            f"示政发〔2024〕{number}号",
            DAY,
            "示例市人民政府",
            31,
            decision["awards"][0],
        )
        return [str(c.write(content, document, "经查，决定撤销。").relative_to(content))]

    publish.__name__ = f"revocation_{number}"
    return publish


def unpublish_notice(content: Path) -> list[str]:
    return [remove(content, "notices/35.md")]


PUBLISHES = [
    new_decision(40),
    correct_decision,
    revoke_latin_winner(41),
    unpublish_notice,
    *(new_notice(number) for number in range(50, 58)),
    new_decision(60),
    new_notice(61),
]
CHECKED_AFTER = {1, 2, len(PUBLISHES)}


@pytest.fixture
def first_build(tmp_path):
    build = tmp_path / "builds" / "0"
    write_corpus(build / "content")
    full_build(build / "content", build, BUILD_DATE)
    return build


def test_the_query_table_answers_as_after_a_full_build(tmp_path, first_build):
    from gongshi_site.linked_tree import link_tree

    assert len(PUBLISHES) > search_incremental.MAX_SEGMENTS  # compaction is crossed
    state = open_state(first_build / "content", first_build, BUILD_DATE)
    previous = first_build
    for number, publish in enumerate(PUBLISHES, start=1):
        build = tmp_path / "builds" / str(number)
        link_tree(previous / "content", build / "content")
        changed = publish(build / "content")
        state.update(build / "content", changed, build / "output", build / "search")
        previous = build
        if number not in CHECKED_AFTER:
            continue
        expected = tmp_path / "full" / str(number)
        shutil.copytree(build / "content", expected / "content")
        full_build(expected / "content", expected, BUILD_DATE)
        full, extended = (
            engine.SearchIndex(expected / "search"),
            engine.SearchIndex(build / "search"),
        )
        try:
            assert len(extended._searcher.leaf_searchers()) > 1, "the publish added a segment"
            for service, q, params in QUERIES:
                wanted = answer(full, service, q, params)
                got = answer(extended, service, q, params)
                assert got == wanted, (number, publish.__name__, service, q, params)
        finally:
            full.close()
            extended.close()
    # The table finds what it is about, so that equal answers are not two empty ones.
    index = engine.SearchIndex(previous / "search")
    try:
        assert answer(index, "search", "ABB", {})["results"][0]["title"] == "ABB"
        assert answer(index, "verify", LATIN, {})["match"] == "exact"
        assert answer(index, "search", "gangguan", {})["total"] > 0
        assert answer(index, "search", "xjdy", {})["results"][0]["title"] == "许继电源股份有限公司"
    finally:
        index.close()
