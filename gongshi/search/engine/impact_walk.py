"""The tree a query becomes for impact scoring's walk (impact.py): a leaf per term, read
best score first at the documents where it can count (_Leaf; _LiveLeaf for an index an
incremental build extended), And, Or, AndMaybe, filters, boosts and phrase checks above
them, and the bitmaps of documents they are gated by."""

from __future__ import annotations

import bisect
import heapq
import operator
import re
from itertools import compress

from .results import _Unsupported
from .scoring import _bitmap

_FEW = 8  # a term counting at fewer than 1/_FEW of its postings sorts those, unwalked


class _Leaf:  # (its order(): ascending, as every term's dictionary is)
    """A term: its documents, a document's score (boosted as bulk's), and its postings
    best score first among the documents where it counts (`gate`)."""

    def __init__(self, weight, boost, bits, *, arrays=None, scores=None):
        self.weight = weight  # the boosts above it: what its score weighs in the query's
        self.bits = bits
        self.head = None
        self._boost = boost  # for precomputed scores (unboosted)
        self._arrays = arrays  # () -> (docnums, scores, impact order): read when needed
        self._docnums = self._values = self._order = None
        self._scores = scores  # {docnum: boosted score}, for a term read from postings
        self._where = b""  # bitmap bytes of the documents it counts at

    def order(self):
        return [self.bits]

    def gate(self, where: int, leaves: list) -> None:
        where &= self.bits
        if where:
            if self._arrays is not None:
                self._docnums, self._values, self._order = self._arrays()
            self._where = where.to_bytes((where.bit_length() + 7) // 8, "little")
            leaves.append(self)

    def score(self, docnum: int) -> float | None:
        if self._scores is not None:
            return self._scores.get(docnum)
        docnums = self._docnums
        if docnums is None:  # a term that counts nowhere the walks go: read when asked
            docnums, self._values, self._order = self._arrays()
            self._docnums = docnums
        i = bisect.bisect_left(docnums, docnum)
        if i == len(docnums) or docnums[i] != docnum:
            return None
        value = self._values[i]
        return value * self._boost if self._boost != 1.0 else value

    def walk(self):
        """(docnum, boosted score) of its postings best first, where it counts: read in
        impact order, or, where it counts at few of its postings, those few sorted."""
        where, size = self._where, len(self._where)
        postings = len(self._scores) if self._scores is not None else len(self._docnums)
        few = int.from_bytes(where, "little")
        if few.bit_count() * _FEW < postings:
            score = self.score
            found = [(docnum, score(docnum)) for docnum in _docnums(few)]
            found.sort(key=operator.itemgetter(1), reverse=True)
            yield from found
            return
        if self._scores is not None:
            ordered = sorted(self._scores.items(), key=operator.itemgetter(1), reverse=True)
        else:
            docnums, values, boost = self._docnums, self._values, self._boost
            ordered = (
                (docnums[i], values[i] * boost if boost != 1.0 else values[i]) for i in self._order
            )
        for docnum, value in ordered:
            byte = docnum >> 3
            if byte < size and where[byte] >> (docnum & 7) & 1:
                yield docnum, value


class _LiveLeaf(_Leaf):
    """A frequent term of an extended index (_ImpactScorer._live_leaf): its first
    segment's documents (below `written`) rescored from their weights, its later
    segments' (`added`) scored already; walked best first by an upper bound of each
    score (the written score times `factor`), the two merged."""

    def __init__(self, weight, boost, bits, *, arrays, weights, rescore, factor, written, added):
        super().__init__(weight, boost, bits, arrays=arrays)
        self._weights_of = weights  # () -> the first segment's weights, by document number
        self._weights = None
        self._idf, self._top, self._norms = rescore
        self._factor = factor
        self._written = written
        self._added = added

    def gate(self, where: int, leaves: list) -> None:
        where &= self.bits
        if where:
            self._read()
            self._where = where.to_bytes((where.bit_length() + 7) // 8, "little")
            leaves.append(self)

    def _read(self) -> None:
        if self._docnums is None:
            self._docnums, self._values, self._order = self._arrays()
            self._weights = self._weights_of()

    def score(self, docnum: int) -> float | None:
        if docnum >= self._written:
            return self._added.get(docnum)
        if self._docnums is None:  # a term that counts nowhere the walks go
            self._read()
        docnums = self._docnums
        i = bisect.bisect_left(docnums, docnum)
        if i == len(docnums) or docnums[i] != docnum:
            return None
        w = self._weights[i]
        found = self._idf * ((w * self._top) / (w + self._norms[docnum]))  # as bulk's
        return found * self._boost if self._boost != 1.0 else found

    def walk(self):
        """(docnum, an upper bound of its boosted score) of its postings, the bounds
        never increasing, where it counts: the first segment's in the order written
        (written score × boost × factor) merged with the later segments' (their
        scores); or, where it counts at few of its postings, those few scored and
        sorted."""
        where, size = self._where, len(self._where)
        few = int.from_bytes(where, "little")
        if few.bit_count() * _FEW < len(self._docnums) + len(self._added):
            score = self.score
            found = [(docnum, score(docnum)) for docnum in _docnums(few)]
            found.sort(key=operator.itemgetter(1), reverse=True)
            yield from found
            return
        docnums, values, scale = self._docnums, self._values, self._boost * self._factor

        def written():
            for i in self._order:
                docnum = docnums[i]
                byte = docnum >> 3
                if byte < size and where[byte] >> (docnum & 7) & 1:
                    yield docnum, values[i] * scale

        added = [
            (docnum, value)
            for docnum, value in self._added.items()
            if docnum >> 3 < size and where[docnum >> 3] >> (docnum & 7) & 1
        ]
        added.sort(key=operator.itemgetter(1), reverse=True)
        yield from heapq.merge(written(), added, key=operator.itemgetter(1), reverse=True)


class _And:
    def __init__(self, children, boost):
        self.children, self.boost = children, boost
        self.bits = _reduce(operator.and_, [child.bits for child in children])

    def order(self):
        # ascending if every part is (an intersection iterates one of its sides);
        # otherwise it depends on the sizes of the bulk scorer's dictionaries
        if any(len(child.order()) > 1 for child in self.children):
            raise _Unsupported
        return [self.bits]

    def gate(self, where, leaves):
        where &= self.bits
        for child in self.children:
            child.gate(where, leaves)

    def score(self, docnum):
        total = None
        for child in self.children:
            found = child.score(docnum)
            if found is None:
                return None
            total = found if total is None else total + found
        return total * self.boost if self.boost != 1.0 else total


class _Or(_And):
    def __init__(self, children, boost):
        self.children, self.boost = children, boost
        self.bits = _reduce(operator.or_, [child.bits for child in children])

    def order(self):
        # a union keeps its first part's order, then adds each next part's new ones
        runs, covered = [], 0
        for child in self.children:
            for run in child.order():
                if run & ~covered:
                    runs.append(run & ~covered)
                covered |= run
        return runs

    def score(self, docnum):
        total = None
        for child in self.children:
            found = child.score(docnum)
            if found is not None:
                total = found if total is None else total + found
        if total is None:
            return None
        return total * self.boost if self.boost != 1.0 else total


class _AndMaybe:
    def __init__(self, required, optional, boost):
        self.required, self.optional, self.boost = required, optional, boost
        self.bits = required.bits

    def gate(self, where, leaves):
        where &= self.bits
        self.required.gate(where, leaves)
        self.optional.gate(where, leaves)

    def order(self):
        return self.required.order()

    def score(self, docnum):
        found = self.required.score(docnum)
        if found is None:
            return None
        extra = self.optional.score(docnum)
        if extra is not None:
            found = found + extra
        return found * self.boost if self.boost != 1.0 else found


class _Filter:
    def __init__(self, child, allowed: int):
        self.child = child
        self.bits = child.bits & allowed
        self._bytes = self.bits.to_bytes((self.bits.bit_length() + 7) // 8, "little")

    def gate(self, where, leaves):
        self.child.gate(where & self.bits, leaves)

    def order(self):
        return [run & self.bits for run in self.child.order() if run & self.bits]

    def score(self, docnum):
        byte = docnum >> 3
        if byte >= len(self._bytes) or not self._bytes[byte] >> (docnum & 7) & 1:
            return None
        return self.child.score(docnum)


class _Boost:
    """A positional phrase's pairs, boosted as the bulk scorer boosts them."""

    def __init__(self, child, boost):
        self.child, self.boost = child, boost
        self.bits = child.bits

    def gate(self, where, leaves):
        self.child.gate(where, leaves)

    def order(self):
        return self.child.order()

    def score(self, docnum):
        found = self.child.score(docnum)
        if found is None or self.boost == 1.0:
            return found
        return found * self.boost


class _Check(_Boost):
    """A phrase: its pairs' score where `contains` finds it in a row."""

    def __init__(self, child, contains):
        self.child, self.contains = child, contains
        self.bits = child.bits

    def score(self, docnum):
        found = self.child.score(docnum)
        if found is None or not self.contains(docnum):
            return None
        return found


def _has_checks(node) -> bool:
    if isinstance(node, _Check):
        return True
    if isinstance(node, _Leaf):
        return False
    if isinstance(node, _AndMaybe):
        return _has_checks(node.required) or _has_checks(node.optional)
    children = node.children if isinstance(node, _And) else [node.child]
    return any(_has_checks(child) for child in children)


def _docnums(bits: int) -> list[int]:
    """The document numbers of a bitmap, ascending: a dense one selected in C, a sparse
    one a non-zero byte at a time."""
    length = bits.bit_length()
    if bits.bit_count() * 16 > length:
        digits = format(bits, "b")[::-1].encode().translate(_ZERO_ONE)
        return list(compress(range(len(digits)), digits))
    data = bits.to_bytes((length + 7) // 8, "little")
    found: list[int] = []
    for match in _NONZERO.finditer(data):
        at = match.start()
        base = at * 8
        found += [base + offset for offset in _BYTE_BITS[data[at]]]
    return found


_NONZERO = re.compile(rb"[^\x00]")
_BYTE_BITS = [tuple(i for i in range(8) if value >> i & 1) for value in range(256)]
_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")


def _reduce(combine, values: list[int]) -> int:
    found = values[0]
    for value in values[1:]:
        found = combine(found, value)
    return found


def _bits(docnums, documents: int) -> int:
    """The documents `docnums` as an int whose bit d is set for document d."""
    return int.from_bytes(_bitmap(docnums, documents), "little")
