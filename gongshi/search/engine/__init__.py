"""The one package that imports whoosh: the schema, building an index, opening it, and
running a query on it. Its modules, each depending only on those listed before it:

- `limits`: sizes and time limits; `_whoosh`: whoosh's names, imported once;
- `analysis`: how a record's text becomes terms, and the schema;
- `postings`, `scoring`, `writer`: reading postings in bulk, BM25F with the precomputed
  scores of frequent terms, and writing an index in one pass;
- `results`, `matchers`, `queries`, `bulk`, `searching`: what a search asks and answers,
  the query objects of our own, the bulk scorer, and the open index that answers.

Whoosh 2.7.4 is pinned and unmaintained. On Python 3.11 some of its modules compile with
warnings (invalid escapes in regular expressions: DeprecationWarning, SyntaxWarning from
3.12; `is 0`: SyntaxWarning), which a fresh bytecode compile prints, or raises under
`-W error`; they are harmless and are silenced in `_whoosh`, for whoosh's own files only,
while it is imported (tests/gongshi/search/test_chinese.py compiles it afresh with -W error).
Nothing else in gongshi imports whoosh, so replacing it means replacing this package.
"""

from ._whoosh import index
from .analysis import SCHEMA, canonical_order, indexed_fields
from .limits import INDEX_NAME, READY
from .results import Filters, Hit, Results
from .scoring import TERM_SCORES
from .searching import SearchIndex
from .writer import build, is_ready, remove

__all__ = [
    "INDEX_NAME",
    "READY",
    "SCHEMA",
    "TERM_SCORES",
    "Filters",
    "Hit",
    "Results",
    "SearchIndex",
    "build",
    "canonical_order",
    "index",
    "indexed_fields",
    "is_ready",
    "remove",
]
