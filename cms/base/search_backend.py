"""Wagtail's database search backend, taught to find Chinese (ADR 0029).

SQLite's FTS5 (unicode61) and PostgreSQL's text-search parser both take a run of Chinese
characters as one word: 候选名单公示 is one token, and neither 候选名单 nor 公示 nor a
fragment of a company name finds it. This backend keeps Wagtail's database backend (its
tables, its triggers, its ranking) and changes only the text on both sides, cut the way
the public index cuts it (gongshi.search.chinese: NFKC, lower case, simplified characters):

- stored text: each run of adjacent units (a Chinese character, or an ASCII run such as
  2023) is written as its adjacent pairs, then its units, separated by spaces:
  候选名单 → "候选 选名 名单 候 选 名 单";
- query text: each run of a term as its pairs (a lone unit as itself), all required:
  样例果业 → 样例 AND 例果 AND 果业; a quoted phrase as the pairs in a row.

The admin searches through autocomplete() (page search, snippet listings), which Wagtail
answers from AutocompleteFields alone (a page's title); here it searches every column,
title, body and autocomplete, so 文号, names in a list and body text are found too, and
the last term still matches as a prefix while it is being typed. The index keeps one
text per column, not one per field, so a search restricted to named fields (a snippet
view's search_fields) searches them all.

Wagtail builds the stored text in each backend's ObjectIndexer, which its index's
add_items names directly; the index classes below run the library's own add_items with
an indexer that cuts the text first (with_indexer), so nothing of it is copied here.
"""

from __future__ import annotations

import types
from functools import cache

from django.db import connection
from django.db.models import Case, F, When
from modelsearch.query import And, Or, Phrase, PlainText

from gongshi.search.chinese import normalise, phrase_terms, unit_runs


def index_text(text: str) -> str:
    """What is stored for `text`: per run of adjacent units, its pairs then its units."""
    out: list[str] = []
    for run in unit_runs(normalise(text)):
        out += map(str.__add__, run, run[1:])
        out += run
    return " ".join(out)


def query_terms(term: str) -> list[list[str]]:
    """What one typed term must match: per run, its pairs (or its lone unit)."""
    return [run for run in phrase_terms(normalise(term)) if run]


def cut_query(query):
    """A PlainText or Phrase as the search over pairs that stands for it; other queries
    are combinations the compilers take apart themselves."""
    if isinstance(query, PlainText):
        per_term = [
            [gram for run in query_terms(term) for gram in run]
            for term in query.query_string.split()
        ]
        per_term = [grams for grams in per_term if grams]
        if not per_term:
            return query
        if query.operator.lower() == "or" and len(per_term) > 1:
            return Or([PlainText(" ".join(grams), operator="and") for grams in per_term])
        return PlainText(" ".join(g for grams in per_term for g in grams), operator="and")
    if isinstance(query, Phrase):
        runs = query_terms(query.query_string)
        if not runs:
            return query
        phrases = [Phrase(" ".join(run)) if len(run) > 1 else PlainText(run[0]) for run in runs]
        return phrases[0] if len(phrases) == 1 else And(phrases)
    return query


def with_indexer(add_items, indexer):
    """The library's add_items, reading `indexer` where its module says ObjectIndexer."""
    if "ObjectIndexer" not in _names(add_items.__code__):
        raise ImproperlyConfiguredBackend(add_items.__qualname__)
    namespace = {**add_items.__globals__, "ObjectIndexer": indexer}
    return types.FunctionType(
        add_items.__code__, namespace, add_items.__name__, add_items.__defaults__
    )


def _names(code) -> set[str]:
    """The global names a code object reads, its comprehensions' included."""
    nested = (_names(const) for const in code.co_consts if isinstance(const, types.CodeType))
    return set(code.co_names).union(*nested)


class ImproperlyConfiguredBackend(RuntimeError):
    """The library's indexing no longer goes through ObjectIndexer: see ADR 0029."""


class _CutText:
    """Mixin for an ObjectIndexer: every value stored is cut into pairs and units."""

    def prepare_value(self, value):
        return index_text(super().prepare_value(value))


class _EveryColumn:
    """Mixin for a query compiler: search all of the index, whatever fields were named."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = None
        self.search_fields = self.get_search_fields_for_model()

    def get_search_fields_for_model(self):
        model = self.queryset.model
        return [*model.get_searchable_search_fields(), *model.get_autocomplete_search_fields()]


# --- SQLite (FTS5) ------------------------------------------------------------------------


@cache
def _sqlite_backend():
    from modelsearch.backends.database.sqlite import sqlite

    class Indexer(_CutText, sqlite.ObjectIndexer):
        pass

    class Index(sqlite.SQLiteIndex):
        add_items = with_indexer(sqlite.SQLiteIndex.add_items, Indexer)

    class TitlesFirst:
        """Relevance on SQLite as titles first, then newest first. The library ranks by
        BM25 in a subquery per result row, which repeats the FTS match for each: 36 s
        for 候选名单 over 10,000 notices (ADR 0029). Matching the title column once more
        and ordering on that costs one extra FTS query."""

        def build_search_query_content(self, query, config=None):
            return super().build_search_query_content(cut_query(query), config=config)

        def search(self, config, start, stop, score_field=None):
            query = sqlite.normalize(self.query)
            if (
                not self.order_by_relevance
                or score_field is not None
                or isinstance(query, (sqlite.MatchAll, sqlite.Not))
            ):
                return super().search(config, start, stop, score_field=score_field)
            self.order_by_relevance = False
            try:
                queryset = super().search(config, None, None)
            finally:
                self.order_by_relevance = True
            in_titles = (
                sqlite.SQLiteFTSIndexEntry.objects.filter(
                    sqlite.MatchExpression(["title"], self.build_search_query(query, config))
                )
                .filter(
                    index_entry__content_type__in=sqlite.get_descendants_content_types_pks(
                        self.queryset.model
                    )
                )
                .values("index_entry__object_id")
            )
            queryset = queryset.annotate(
                _title_hit=Case(When(pk__in=in_titles, then=1), default=0)
            ).order_by("-_title_hit", "-pk")
            return queryset[start:stop]

    class SearchCompiler(TitlesFirst, sqlite.SQLiteSearchQueryCompiler):
        pass

    class AutocompleteCompiler(TitlesFirst, _EveryColumn, sqlite.SQLiteAutocompleteQueryCompiler):
        FTS_TABLE_FIELDS = ["title", "body", "autocomplete"]

        def get_index_vectors(self):
            return [
                (F("index_entry__title"), F("index_entry__title_norm")),
                (F("index_entry__body"), 1.0),
                (F("index_entry__autocomplete"), 1.0),
            ]

    class Backend(sqlite.SQLiteSearchBackend):
        query_compiler_class = SearchCompiler
        autocomplete_query_compiler_class = AutocompleteCompiler
        index_class = Index

    return Backend


# --- PostgreSQL (tsvector) ----------------------------------------------------------------


@cache
def _postgres_backend():
    from modelsearch.backends.database.postgres import postgres

    class Indexer(_CutText, postgres.ObjectIndexer):
        pass

    class Index(postgres.PostgresIndex):
        add_items = with_indexer(postgres.PostgresIndex.add_items, Indexer)

    class SearchCompiler(postgres.PostgresSearchQueryCompiler):
        def build_tsquery_content(self, query, config=None, invert=False):
            return super().build_tsquery_content(cut_query(query), config=config, invert=invert)

    class AutocompleteCompiler(_EveryColumn, postgres.PostgresAutocompleteQueryCompiler):
        def build_tsquery_content(self, query, config=None, invert=False):
            return super().build_tsquery_content(cut_query(query), config=config, invert=invert)

        def get_index_vectors(self, search_query):
            return [
                (F("index_entries__title"), F("index_entries__title_norm")),
                (F("index_entries__body"), 1.0),
                (F("index_entries__autocomplete"), 1.0),
            ]

    class Backend(postgres.PostgresSearchBackend):
        query_compiler_class = SearchCompiler
        autocomplete_query_compiler_class = AutocompleteCompiler
        index_class = Index

        def __init__(self, params):
            super().__init__(params)
            # One configuration for stored text and queries (autocomplete's is "simple"):
            # an English stemmer would cut Latin words differently on the two sides.
            self.config = params.get("SEARCH_CONFIG") or "simple"

    return Backend


def SearchBackend(params):
    """The backend for the default database, as Wagtail's own database backend picks it;
    without FTS5 or PostgreSQL, Wagtail's fallback matches substrings, Chinese included."""
    if connection.vendor == "postgresql":
        return _postgres_backend()(params)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

        if fts5_available() and fts_table_exists():
            return _sqlite_backend()(params)
    from modelsearch.backends.database.fallback import DatabaseSearchBackend

    return DatabaseSearchBackend(params)
