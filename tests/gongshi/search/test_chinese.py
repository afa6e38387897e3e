"""The analysis: normalisation, character pairs with positions, pinyin, credit codes,
and the package's imports (no Django, no warnings, even compiled afresh)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gongshi.rules.gb32100 import check_character
from gongshi.search import chinese, creditcode
from gongshi.search.documents import core_name, legal_form
from gongshi.search.query import MAX_CHARS, parse

REPOSITORY = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "text, normal",
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width letters and digits
        ("（有限公司）", "(有限公司)"),
        ("許繼電源", "许继电源"),  # traditional to simplified
        ("質量管理體系", "质量管理体系"),
        ("运城市", "运城市"),  # simplified text is left alone
    ],
)
def test_normalise(text, normal):
    assert chinese.normalise(text) == normal


def test_pairs_are_positioned_by_character_so_phrases_work():
    assert chinese.grams("许继电源", singles=False) == [
        ("许继", 0),
        ("继电", 1),
        ("电源", 2),
    ]
    # characters too where asked; ASCII runs always; nothing across punctuation
    assert chinese.grams("示政发〔2023〕", singles=True) == [
        ("示", 0),
        ("示政", 0),
        ("政", 1),
        ("政发", 1),
        ("发", 2),
        ("2023", 3),
    ]
    assert chinese.phrase_terms("许继电源") == [["许继", "继电", "电源"]]
    assert chinese.phrase_terms("质量，管理") == [["质量"], ["管理"]]


def test_every_reading_of_a_polyphonic_character():
    assert set(chinese.readings("行")) >= {"xing", "hang"}
    assert set(chinese.readings("重")) >= {"zhong", "chong"}
    terms = {term for term, _ in chinese.pinyin_terms("银行")}
    assert {"yin", "hang", "xing", "yin hang", "yin xing"} <= terms
    initials = {term for term, _ in chinese.initial_terms("运城市")}
    assert {"y c", "c s"} <= initials


@pytest.mark.parametrize(
    "latin, split",
    [("yuncheng", ["yun", "cheng"]), ("haier", ["hai", "er"]), ("xian", ["xian"])],
)
def test_latin_read_as_pinyin(latin, split):
    assert chinese.syllable_splits(latin)[0] == split


def test_xian_may_also_be_two_syllables():
    assert ["xi", "an"] in chinese.syllable_splits("xian")
    assert chinese.syllable_splits("ycs") == []


def test_legal_forms_are_set_apart():
    assert core_name("【示例】许继电源股份有限公司") == "示例许继电源"
    assert legal_form("许继电源股份有限公司") == "股份有限公司"
    assert core_name("有限公司") == "有限公司"  # nothing else left: kept


def test_credit_codes():
    body = "91411000MA0000001"
    code = body + check_character(body)
    assert creditcode.read(code) == creditcode.CreditCode(code)
    assert creditcode.read(" " + code.lower()[:6] + " " + code[6:]).valid
    assert creditcode.read("９１" + code[2:]).valid  # full-width digits
    wrong = creditcode.read(body + ("0" if code[-1] != "0" else "1"))
    assert not wrong.valid and f"第18位应为“{code[-1]}”" in wrong.problem
    assert "不使用" in creditcode.read(body[:-1] + "IO").problem
    assert creditcode.read("许继电源") is None
    assert creditcode.read("ABCDEFGHIJKLMNOPQR") is None  # not a code, just letters


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("", "请输入"),
        ("   \t ", "请输入"),
        ("海" * (MAX_CHARS + 1), "过长"),
        ('AND * : "', "只有符号"),
        ("\x00\x1b\x7f", "请输入"),
    ],
)
def test_queries_that_cannot_be_searched_say_why(raw, problem):
    assert problem in parse(raw).problem


def test_query_syntax_is_text_not_operators():
    parsed = parse('许继 AND 电源 OR "质量管理" title:海尔 *')
    assert [part.text for part in parsed.parts] == ["许继", "电源", "质量管理", "title:海尔"]
    assert [part.quoted for part in parsed.parts] == [False, False, True, False]
    assert parse("许继\x00电源").parts[0].text == "许继电源"


def test_the_search_package_imports_without_django_or_warnings(tmp_path):
    """Compiled afresh (whoosh's SyntaxWarnings appear only then) with warnings as
    errors; Django is never imported."""
    code = (
        "import sys, gongshi.search.service, gongshi.search.engine; "
        "assert 'django' not in sys.modules, 'django imported'; "
        "gongshi.search.chinese.warm_up()"
    )
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    finished = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""


def test_gram_lists_are_grams_as_two_lists():
    """Indexing cuts text with gram_lists: the same terms at the same positions."""
    import random

    pieces = [*"质量管理体系許繼电源ab9_é٣ ,。（）\n-", "2023", "abc", "ＡＢ１"]
    rng = random.Random(1)
    for _ in range(3000):
        text = chinese.normalise("".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))))
        for singles in (True, False):
            terms, positions = chinese.gram_lists(text, singles)
            assert sorted(zip(terms, positions, strict=True)) == sorted(
                chinese.grams(text, singles)
            ), (text, singles)


def _random_texts(count: int, seed: int):
    import random

    pieces = [*"质量管理体系許繼电源行重银ab9_é٣ ,。（）\n-", "2023", "abc", "ＡＢ１", "有限公司"]
    rng = random.Random(seed)
    for _ in range(count):
        yield chinese.normalise("".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))))


def _has_phrase(text: str, pairs: list[str]) -> bool:
    """Whether the pairs stand at consecutive positions of text's pairs (what a
    phrase query over positions matched)."""
    at: dict[str, set[int]] = {}
    for term, position in chinese.grams(text, singles=False):
        at.setdefault(term, set()).add(position)
    starts = at.get(pairs[0], set())
    for offset, pair in enumerate(pairs[1:], 1):
        starts = {start for start in starts if start + offset in at.get(pair, set())}
    return bool(starts)


def test_a_phrase_pattern_matches_where_its_pairs_stand_in_a_row():
    """Quoted phrases are checked on the indexed text with phrase_pattern instead of
    positions: the same answer, for phrases taken from texts and from elsewhere."""
    import random

    rng = random.Random(2)
    texts = list(_random_texts(1500, 3))
    checked = found = 0
    for text in texts:
        for source in (text, rng.choice(texts)):
            runs = [run for run in chinese.phrase_terms(source) if len(run) >= 2]
            if not runs:
                continue
            run = rng.choice(runs)
            start = rng.randrange(len(run) - 1)
            pairs = run[start : rng.randint(start + 2, len(run))]
            matched = chinese.phrase_pattern(pairs).search(text.encode()) is not None
            assert matched == _has_phrase(text, pairs), (text, pairs)
            checked += 1
            found += matched
    assert checked > 1000 and 0 < found < checked


@pytest.mark.parametrize(
    "pairs, text, matched",
    [
        (["许继", "继电"], "许继电源", True),
        (["许继", "继电"], "许继，电源", False),  # not across punctuation
        (["2023年", "年度"], "2023年度", True),
        (["2023年", "年度"], "12023年度", False),  # an ASCII unit is whole
        (["ab年", "年度"], "xab年度", False),  # xab is one unit, not x and ab
        (["ab年", "年度"], "x ab年度", True),
    ],
)
def test_phrase_pattern(pairs, text, matched):
    assert (chinese.phrase_pattern(pairs).search(text.encode()) is not None) is matched


def test_words_are_jiebas_words_cut_a_block_at_a_time():
    jieba = chinese._jieba()
    for text in [
        *_random_texts(500, 4),
        "关于公布2023年度运城市市长质量奖获奖名单的公示\n现将名单予以公示。",
    ]:
        whole = [word for word in jieba.cut_for_search(text) if chinese._UNIT.match(word)]
        assert chinese.words(text) == whole, text


def test_pinyin_lists_are_pinyin_terms_as_two_lists():
    from collections import Counter

    for text in _random_texts(1500, 5):
        for lists, terms in [
            (chinese.pinyin_lists, chinese.pinyin_terms),
            (chinese.initial_lists, chinese.initial_terms),
        ]:
            found, positions = lists(text)
            assert Counter(zip(found, positions, strict=True)) == Counter(terms(text)), text


@pytest.mark.parametrize(
    "text, needle, marked",
    [
        ("許繼電源（ＡＢＣ）股份", "许继电源", "<mark>許繼電源</mark>（ＡＢＣ）股份"),
        ("许继电源（ＡＢＣ）股份", "abc", "许继电源（<mark>ＡＢＣ</mark>）股份"),
        ("ﬁ许继 İstanbul", "许继", "ﬁ<mark>许继</mark> İstanbul"),  # ﬁ, İ: one character each
    ],
)
def test_snippets_find_the_normalised_needle_in_the_text_as_written(text, needle, marked):
    from gongshi.search import snippets

    assert snippets.highlight(text, [needle]) == marked
    assert snippets.highlight(text, [needle]) == marked  # characters now known
