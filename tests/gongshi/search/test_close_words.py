"""close_words.closest finds what difflib.get_close_matches finds, asking difflib about
only the words with enough letters in common: a table of misspelt pinyin (letters
dropped, doubled, swapped, replaced; other words, short and empty ones) against a
vocabulary of generated place and firm names' pinyin."""

from __future__ import annotations

import difflib
import random

import pytest

from gongshi.search.close_words import Vocabulary, closest

SYLLABLES = (
    "an bo chang cheng chuang da de feng fu he heng hai er yun xu ji dian yuan zhou hu "
    "nan tong gui lin yue tai xin yong bao shan yang jia zheng sheng cheng xing kai jin "
    "qing chong zhong guo hua mei li ming ru shi wu xi"
).split()


def _vocabulary(rng: random.Random) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(3000)}
    return sorted(words | {"x", "zz", "haier", "yuncheng"})


def _misspelt(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word) + 1)
    change = rng.choice(["drop", "double", "swap", "replace", "add", "other"])
    if change == "drop":
        return word[:i] + word[i + 1 :]
    if change == "double":
        return word[:i] + word[i : i + 1] * 2 + word[i + 1 :]
    if change == "swap" and i + 2 <= len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if change == "replace":
        return word[:i] + rng.choice("aeiounghzcsx") + word[i + 1 :]
    if change == "add":
        return word[:i] + rng.choice("aeiounghzcsx") + word[i:]
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


@pytest.mark.parametrize("seed", range(3))
def test_closest_is_difflibs_over_a_table_of_misspellings(seed):
    rng = random.Random(seed)
    keys = _vocabulary(rng)
    vocabulary = Vocabulary(keys)
    asked = [_misspelt(rng, rng.choice(keys)) for _ in range(300)] + ["", "a", "zz", "q" * 30]
    found_some = 0
    for word in asked:
        expected = difflib.get_close_matches(word, keys, n=1, cutoff=0.75)
        assert closest(word, vocabulary, 0.75) == (expected[0] if expected else None), word
        found_some += bool(expected)
    assert found_some > 100  # the table is not all misses


def test_few_words_are_asked(monkeypatch):
    """The point: a misspelt word is compared with a small share of the vocabulary."""
    keys = _vocabulary(random.Random(9))
    asked = []
    real = difflib.SequenceMatcher.quick_ratio
    monkeypatch.setattr(
        difflib.SequenceMatcher, "quick_ratio", lambda self: asked.append(1) or real(self)
    )
    assert closest("yunchegn", Vocabulary(keys), 0.75) == "yuncheng"
    same_length = [k for k in keys if 2.0 * min(len(k), 8) / (len(k) + 8) >= 0.75]
    assert 0 < len(asked) < len(same_length) // 3  # (which difflib's length test lets by)
