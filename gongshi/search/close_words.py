"""The words of a vocabulary closest to a misspelt one, as difflib finds them, without
asking difflib about every word.

difflib's get_close_matches asks each word's quick_ratio, an upper bound of its ratio:
twice the letters the two have in common (counted with repeats) over their lengths
added. A word with too few letters in common cannot pass it, whatever its order. Here
each (letter, n) has a bitmap of the words with at least n of that letter; the letters
in common with every word are counted at once by adding the bitmaps of the misspelt
word's (letter, n) in bit-sliced counters (each bit of a word's count in its own big
int), and only the words with enough in common are asked, as difflib asks them."""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter

_NONZERO = re.compile(rb"[^\x00]")


class Vocabulary:
    """Words (the suggestions' pinyin keys) and the bitmaps of their letters."""

    def __init__(self, words):
        self.words = list(words)
        listed: dict[tuple[str, int], list[int]] = {}
        for i, word in enumerate(self.words):
            for letter, count in Counter(word).items():
                for n in range(1, count + 1):
                    listed.setdefault((letter, n), []).append(i)
        size = (len(self.words) + 7) // 8
        self._bits: dict[tuple[str, int], int] = {}
        for token, places in listed.items():
            data = bytearray(size)
            for i in places:
                data[i >> 3] |= 1 << (i & 7)
            self._bits[token] = int.from_bytes(data, "little")
        self._everyone = (1 << len(self.words)) - 1
        self._lengths: dict[int, int] = {}  # length: bitmap of the words of that length
        for i, word in enumerate(self.words):
            self._lengths[len(word)] = self._lengths.get(len(word), 0) | 1 << i

    def candidates(self, word: str, cutoff: float) -> list[str] | None:
        """The words that may pass quick_ratio at `cutoff` (all that do, and maybe
        others), or None where every word may (a word too short to rule any out)."""
        if not word:
            return None
        counters: list[int] = []
        for letter, count in Counter(word).items():
            for n in range(1, count + 1):
                carry = self._bits.get((letter, n), 0)
                for i, counter in enumerate(counters):
                    if not carry:
                        break
                    counters[i], carry = counter ^ carry, counter & carry
                if carry:
                    counters.append(carry)
        chosen = 0
        for length, among in self._lengths.items():
            total = length + len(word)
            if 2.0 * min(length, len(word)) / total < cutoff:
                continue  # (difflib's real_quick_ratio)
            # quick_ratio = 2 * common / total >= cutoff; a letter fewer, to be lenient
            needed = max(math.ceil(cutoff * total / 2) - 1, 0)
            chosen |= among & _at_least(counters, needed, self._everyone)
        data = chosen.to_bytes((chosen.bit_length() + 7) // 8, "little")
        words = self.words
        return [
            words[at * 8 + bit]
            for at in (match.start() for match in _NONZERO.finditer(data))
            for bit in range(8)
            if data[at] >> bit & 1
        ]


def _at_least(counters: list[int], needed: int, everyone: int) -> int:
    """The words whose count (bit i of a word's count in counters[i]) is at least
    `needed`, compared bit by bit from the highest."""
    greater, equal = 0, everyone
    for i in reversed(range(max(len(counters), needed.bit_length()))):
        counter = counters[i] if i < len(counters) else 0
        if needed >> i & 1:
            equal &= counter
        else:
            greater |= equal & counter
            equal &= ~counter
    return greater | equal


def closest(word: str, vocabulary: Vocabulary, cutoff: float) -> str | None:
    """difflib.get_close_matches(word, vocabulary.words, n=1, cutoff)[0], or None."""
    words = vocabulary.candidates(word, cutoff)
    if words is None:
        words = vocabulary.words
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best = None
    for key in words:
        # difflib's tests, cheapest first: real_quick_ratio depends on the lengths only
        if 2.0 * min(len(key), len(word)) / ((len(key) + len(word)) or 1) < cutoff:
            continue
        matcher.set_seq1(key)
        if matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
            found = (matcher.ratio(), key)
            best = found if best is None or found > best else best
    return None if best is None else best[1]
