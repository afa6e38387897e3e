"""The engine's limits and sizes, in one place."""

INDEX_NAME = "gongshi"
READY = "READY"  # written last: a directory without it was never finished
TIME_LIMIT = 1.0  # seconds one query may run before the results found so far are returned
MAX_RESULTS = 1000  # hits ranked for one query; pages beyond are refused by the service
EXACT_COUNT = 1000  # matches counted exactly; a total beyond is an estimate
SAMPLES, SAMPLE_HITS = 10, 50  # stretches of the index an estimate counts in, and up to
CACHE_SIZE = 1024  # answers remembered per open index
FILTERS_CACHED = 64  # filters' documents remembered per open index
BULK_FROM = 2000  # matches (at most, by the terms' frequencies) from which a query is
# scored in bulk (_BulkScorer) rather than through whoosh's matchers
TERMS_CACHED = 256  # terms' scores remembered per open index, for bulk scoring
PHRASES_COUNTED = 300  # candidates of a phrase checked one by one; beyond, a sample
PRECOMPUTED_FROM = 2000  # records a term is in from which its scores are computed when
# the index is built and kept beside it (read as arrays rather than decoded and scored)
PRECOMPUTED_FIELDS = ("name", "text", "words")  # (pinyin is asked of Latin queries only)
RESTRICT_RATIO = 10  # a term is read only at the documents still in play when they are
# fewer than a tenth of its postings (skipping to each rather than decoding all)
IMPACT_SCORED_UP_TO = 4000  # records a term without precomputed scores may be in for
# the impact scorer to read it whole (beyond, the query goes to the bulk scorer)
IMPACT_FROM = 1.0  # the impact scorer answers a query when the postings of frequent
# terms the bulk scorer would make dictionaries of are this many times what it would
# read instead (impact.py: _ImpactScorer._worth); 0: every query it can answer
IMPACT_LEAF_COST = 300  # what a term's bitmap and walk cost it, counted in postings
