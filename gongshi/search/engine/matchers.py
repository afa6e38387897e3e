"""Whoosh queries and matchers of our own: a query within a filter's documents,
phrases checked by position, and the time limit."""

from __future__ import annotations

import bisect
import time
import weakref

from .. import chinese
from ..documents import PHRASES_SEPARATOR
from ._whoosh import NullMatcher, TimeLimit, WrappingMatcher, collectors, query


class _Within(query.Query):
    """The documents of a query that a filter allows, scored by the query alone.

    Whoosh's own ways either look at every match and drop what the filter does not
    allow (a FilterCollector: slow when the filter allows few of many matches) or, for
    Require, iterate wrongly in whoosh 2.7.4 (it yields the matches the filter does
    not allow). Here the query's matcher skips to the next allowed document, so block
    quality skipping still works and few allowed documents mean little work."""

    def __init__(self, child, allow, allowed):
        self.child = child
        self.allow = allow
        self.allowed = allowed  # (searcher, allow) -> (sorted docnums, set)

    def __repr__(self):
        return f"_Within({self.child!r}, {self.allow!r})"

    def estimate_size(self, reader):
        return self.child.estimate_size(reader)

    def matcher(self, searcher, context=None):
        docnums, allowed = self.allowed(searcher, self.allow)
        return _WithinMatcher(self.child.matcher(searcher, context), docnums, allowed)


class _SkippingMatcher(WrappingMatcher):
    """A child matcher kept on the documents `_settle` accepts: after every move, it
    moves on until the child stands on one (or is done)."""

    def _settle(self):
        raise NotImplementedError

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def next(self):
        moved = self.child.next()
        self._settle()
        return moved

    def skip_to(self, id):
        moved = self.child.skip_to(id)
        self._settle()
        return moved

    def skip_to_quality(self, minquality):
        skipped = self.child.skip_to_quality(minquality)
        self._settle()
        return skipped


class _WithinMatcher(_SkippingMatcher):
    def __init__(self, child, docnums: list[int], allowed: frozenset[int]):
        super().__init__(child)
        self._docnums = docnums
        self._allowed = allowed
        self._settle()

    def _settle(self):
        """Move the child to its next document the filter allows."""
        child, docnums = self.child, self._docnums
        while child.is_active() and child.id() not in self._allowed:
            at = bisect.bisect_left(docnums, child.id())
            if at == len(docnums):
                self.child = NullMatcher()
                return
            child.skip_to(docnums[at])

    def _replacement(self, child):
        return _WithinMatcher(child, self._docnums, self._allowed)

    def copy(self):
        return _WithinMatcher(self.child.copy(), self._docnums, self._allowed)


class _Phrase(query.Query):
    """A quoted phrase in `name` or `text`: the documents with all its pairs, scored as
    their sum (as whoosh scores a phrase), whose indexed names or text have its units
    in a row. That is checked on the record's `phrases` column (its names and text as
    indexed) rather than on positions, which these fields do not keep: decoding
    positions was most of the cost of a frequent phrase, and writing them a good part
    of a build. An index from before the column was added is asked with whoosh's
    Phrase over its positions."""

    def __init__(self, fieldname: str, words: list[str], boost: float = 1.0):
        self.fieldname = fieldname
        self.words = list(words)
        self.boost = boost
        self.child = query.And([query.Term(fieldname, word) for word in self.words], boost=boost)
        self.pattern = chinese.phrase_pattern(self.words)

    def __repr__(self):
        return f"_Phrase({self.fieldname!r}, {self.words!r}, boost={self.boost!r})"

    def estimate_size(self, reader):
        return self.child.estimate_size(reader)

    def positional(self):
        """whoosh's Phrase of the same pairs, for an index with positions."""
        return query.Phrase(self.fieldname, self.words, boost=self.boost)

    def matcher(self, searcher, context=None):
        contains = _phrase_check(searcher.reader(), self.fieldname, self.pattern)
        if contains is None:
            return self.positional().matcher(searcher, context)
        return _PhraseMatcher(self.child.matcher(searcher, context), contains)


_PHRASE_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # reader -> column


def _phrase_check(reader, fieldname: str, pattern):
    """contains(docnum): whether a document's names (`fieldname` "name") or text has
    the phrase `pattern` matches; None for an index without the phrases column."""
    if "phrases" not in reader.schema:
        return None
    if not reader.has_column("phrases"):  # an index without documents
        return lambda docnum: False
    column = _PHRASE_COLUMNS.get(reader)
    if column is None:
        column = _PHRASE_COLUMNS[reader] = reader.column_reader("phrases", translate=False)
    search = pattern.search
    separator = PHRASES_SEPARATOR.encode()
    if fieldname == "name":

        def contains(docnum: int) -> bool:
            value = column[docnum]
            return search(value, 0, value.find(separator)) is not None

    else:

        def contains(docnum: int) -> bool:
            value = column[docnum]
            return search(value, value.find(separator) + 1) is not None

    return contains


class _PhraseMatcher(_SkippingMatcher):
    """The child's documents that `contains` accepts."""

    def __init__(self, child, contains):
        super().__init__(child)
        self._contains = contains
        self._settle()

    def _settle(self):
        child, contains = self.child, self._contains
        while child.is_active() and not contains(child.id()):
            child.next()

    def _replacement(self, child):
        return _PhraseMatcher(child, self._contains)

    def copy(self):
        return _PhraseMatcher(self.child.copy(), self._contains)


class _TimeLimit(collectors.WrappingCollector):
    """Whoosh's time limit as a deadline looked at as hits are collected, rather than
    whoosh's timer thread per search: starting a thread costs more than most searches
    (and under load, a wait for the scheduler)."""

    def __init__(self, child, timelimit: float):
        super().__init__(child)
        self.timelimit = timelimit
        self.deadline = 0.0

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.monotonic() + self.timelimit

    def collect_matches(self):
        child, deadline = self.child, self.deadline
        for count, sub_docnum in enumerate(child.matches(), 1):
            child.collect(sub_docnum)
            if count % 32 == 0 and time.monotonic() > deadline:
                raise TimeLimit
