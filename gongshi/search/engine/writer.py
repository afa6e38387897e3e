"""Writing an index: whoosh's segment writer replaced by one that writes each field's
postings in a single pass, and the directory an index lives in."""

from __future__ import annotations

import json
import operator
import shutil
import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable
from itertools import chain, repeat
from pathlib import Path
from pickle import dumps

from ..documents import Record
from . import limits
from ._whoosh import (
    WHOOSH3_HEADER_MAGIC,
    SegmentWriter,
    W3Codec,
    W3TermInfo,
    byte_to_length,
    formats,
    index,
    length_to_byte,
    pack_int,
    pack_long,
    pack_ushort,
)
from .analysis import LENGTHS, SCHEMA, _frequency, _packed_lengths, _Text, canonical_order
from .scoring import _BM25F, _bm25_scores, _write_term_scores


def build(directory: Path, records: Iterable[Record], extra: dict[str, object]) -> int:
    """Write an index of `records` into `directory` (created; must not exist), with the
    JSON files in `extra` beside it, then READY. Returns the number of records.

    Records are numbered newest first (canonical_order), so that "newest first" is the
    index's own order and a search sorted by date can stop at the first hits it finds."""
    directory = Path(directory)
    directory.mkdir(parents=True)
    store = index.create_in(str(directory), SCHEMA, indexname=limits.INDEX_NAME)
    writer = _Writer(store)
    count = 0
    try:
        for record in sorted(records, key=canonical_order):
            writer.add_document(**record.fields())
            count += 1
    except BaseException:
        writer.cancel()
        raise
    segment = writer.newsegment.segment_id()
    writer.commit()
    store.close()
    _write_term_scores(
        directory,
        getattr(writer, "term_scores", {}),
        segment,
        count,
        getattr(writer, "averages", {}),
    )
    for name, value in extra.items():
        (directory / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (directory / limits.READY).write_text(str(count), encoding="utf-8")
    return count


class _Writer(SegmentWriter):
    """Whoosh's segment writer for one new segment written from records in memory.

    Whoosh's own writer passes every posting through a pickled external sort (temporary
    runs merged back with a heap), reads the document's field length once per posting
    and checks each posting's types as it buffers it: most of a build. Here each
    document's postings are appended to their terms' arrays with C-level map passes
    (documents arrive in order, so each term's postings already are), field lengths
    are kept as they are counted, and the postings file is written a term at a time
    (_write_postings). The files are whoosh's own, as its writer makes them
    (tests/gongshi/search/test_engine.py compares every term, posting and length)."""

    def __init__(self, store):
        super().__init__(store, codec=W3Codec(compression=_COMPRESSION))
        self.pool = None  # unused: postings go to self._terms
        # field name -> term (str for _Text fields, bytes otherwise) -> [docnums,
        # weights] or, for fields with positions, [docnums, weights, values]
        self._terms: dict[str, defaultdict] = {}
        # field name -> length of each document's value (0: none or not scorable)
        self._lengths: dict[str, array] = {}
        # (field, term) -> (docnums, BM25F scores, weights) of terms in PRECOMPUTED_FROM
        # records or more, written beside the index (_write_term_scores), and the
        # average lengths of their fields the scores were computed with
        self.term_scores: dict[tuple[str, str], tuple[array, array, array]] = {}
        self.averages: dict[str, float] = {}
        self._cut: dict[tuple, tuple] = {}  # (field name, value) -> _indexed(...)

    def _indexed(self, fieldname: str, field, value) -> tuple:
        """_indexed(field, value), once per build for a value that repeats (kinds,
        programmes, years, days...)."""
        if not isinstance(value, str | int):
            return _indexed(field, value)
        key = (fieldname, value)
        found = self._cut.get(key)
        if found is None:
            found = self._cut[key] = _indexed(field, value)
        return found

    def add_document(self, **fields):
        """Whoosh's add_document for the fields this schema has (no spelling, vectors,
        boosts or separately stored values)."""
        self._check_state()
        self._check_fields(self.schema, fields)
        perdoc = self.perdocwriter
        docnum = self.docnum
        perdoc.start_doc(docnum)
        counted = {}  # the scored fields' lengths, for the lengths column
        for fieldname in sorted(fields):
            if fieldname == LENGTHS:
                continue
            value = fields[fieldname]
            field = self.schema[fieldname]
            length = 0
            if field.indexed:
                if isinstance(field, _Text):
                    terms, weights, values, length = field.postings(value)
                else:
                    terms, weights, values, length = self._indexed(fieldname, field, value)
                postings = self._terms.get(fieldname)
                if postings is None:
                    positions = field.format.supports("positions")
                    postings = self._terms[fieldname] = defaultdict(
                        _new_positions if positions else _new_postings
                    )
                entries = list(map(postings.__getitem__, terms))
                _consume(map(array.append, map(_DOCNUMS, entries), repeat(docnum)))
                _consume(map(array.append, map(_WEIGHTS, entries), weights))
                if values is not None:
                    _consume(map(list.append, map(_VALUES, entries), values))
                if not field.scorable:
                    length = 0
                elif length:
                    counted[fieldname] = length
                    lengths = self._lengths.get(fieldname)
                    if lengths is None:
                        lengths = self._lengths[fieldname] = array("I")
                    lengths.extend(repeat(0, docnum - len(lengths)))
                    lengths.append(length)
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                column_value = field.to_column_value(value)
                perdoc.add_column_value(fieldname, field.column_type, column_value)
        perdoc.add_column_value(LENGTHS, self.schema[LENGTHS].column_type, _packed_lengths(counted))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        totals = dict(self.perdocwriter._fieldlengths)  # what whoosh's field_length gives
        _write_postings(
            self.fieldwriter, self.schema, self.docnum, self._terms, self._lengths,
            totals, self.term_scores, self.averages,
        )  # fmt: skip
        self.fieldwriter.close()

    def _close_segment(self):
        if not self.perdocwriter.is_closed:
            self.perdocwriter.close()
        if not self.fieldwriter.is_closed:
            self.fieldwriter.close()
        self._terms = {}


_COMPRESSION = 1  # zlib level of postings blocks (whoosh's default, 3, takes longer)
_DOCNUMS, _WEIGHTS, _VALUES = (operator.itemgetter(i) for i in range(3))
_consume = deque(maxlen=0).extend  # runs a map for its calls' effects


def _new_postings() -> list:
    return [array("I"), array("f")]


def _new_positions() -> list:
    return [array("I"), array("f"), []]


def _indexed(field, value) -> tuple:
    """(terms, weights, values, length) of a value of a whoosh field (not a _Text), as
    _Text.postings gives them."""
    found = list(field.index(value))
    terms = [term for term, _, _, _ in found]
    weights = [weight for _, _, weight, _ in found]
    length = sum(frequency for _, frequency, _, _ in found)
    if isinstance(field.format, formats.Frequency) or field.format.fixed_value_size() == 0:
        return terms, weights, None, length  # derived from the weight, or none
    return terms, weights, [encoded for _, _, _, encoded in found], length


def _write_postings(
    fieldwriter,
    schema,
    doc_count: int,
    terms: dict,
    lengths: dict,
    totals=None,
    scores=None,
    averages=None,
) -> None:
    """What whoosh's FieldWriter.add_postings and W3PostingsWriter.add_posting do, a
    term at a time: the same blocks of postings, block statistics and term infos, made
    with C-level operations per block rather than Python per posting. Terms of _Text
    fields are kept as text until here: UTF-8 sorts as the text does."""
    postfile = fieldwriter._postfile
    add_term = fieldwriter._tindex.add
    limit = fieldwriter._codec._blocklimit
    for fieldname in sorted(terms):
        field = schema[fieldname]
        by_term = terms.pop(fieldname)  # freed field by field as it is written
        counted = lengths.get(fieldname, array("I"))
        counted.extend(repeat(0, doc_count - len(counted)))
        length_bytes = bytes(map(length_to_byte, counted))
        fieldwriter.start_field(fieldname, field)
        field_id = pack_ushort(fieldwriter._fieldid)
        encode = isinstance(field, _Text)
        boost = field.format.field_boost
        fixed_size = field.format.fixed_value_size()
        frequencies = isinstance(field.format, formats.Frequency)
        norms = None
        if scores is not None and fieldname in limits.PRECOMPUTED_FIELDS:
            average = totals.get(fieldname, 0) / (doc_count or 1) or 1
            if averages is not None:
                averages[fieldname] = average
            k1, b = _BM25F.K1, _BM25F.B
            by_byte = [k1 * ((1 - b) + b * (byte_to_length(i) if i else 1) / average)
                       for i in range(256)]  # fmt: skip
            norms = list(map(by_byte.__getitem__, length_bytes))
        for term in sorted(by_term):
            entry = by_term[term]
            docnums, weights = entry[0], entry[1]
            if norms is not None and len(docnums) >= limits.PRECOMPUTED_FROM:
                scores[(fieldname, term)] = (
                    docnums,
                    _bm25_scores(docnums, weights, norms, doc_count),
                    weights,
                )
            if frequencies:  # each posting's count, as whoosh's Frequency format encodes it
                counts = map(round, map(operator.truediv, weights, repeat(boost)))
                values = list(map(_frequency, counts))
            else:
                values = entry[2] if fixed_size != 0 else None
            start = postfile.tell()
            data, info = _postings_blocks(docnums, weights, values, fixed_size, length_bytes, limit)
            postfile.write(data)
            info_bytes = info + pack_long(start) + pack_int(postfile.tell() - start)
            add_term(field_id + (term.encode("utf-8") if encode else term), info_bytes)
        fieldwriter.finish_field()


def _postings_blocks(docnums, weights, values, fixed_size, length_bytes: bytes, limit: int):
    """(the postings file's bytes of a term, the start of its W3TermInfo bytes): what
    W3PostingsWriter._write_block and W3TermInfo.to_bytes make of its postings,
    `limit` to a block; `fixed_size`: of the format's values (whoosh's mini values)."""
    parts = [WHOOSH3_HEADER_MAGIC]
    count = len(docnums)
    total_weight = 0
    max_weight = 0
    min_byte = None
    max_byte = 0
    for start in range(0, count, limit):
        end = min(start + limit, count)
        ids = docnums[start:end]
        block_weights = weights[start:end]
        first = block_weights[0]
        if block_weights.count(first) == len(block_weights):
            mini_weights = None if first == 1.0 else first
        else:
            mini_weights = tuple(block_weights)
        if fixed_size == 0:
            mini_values = None
        elif fixed_size is None or fixed_size < 0:
            mini_values = tuple(values[start:end])
        else:
            mini_values = b"".join(values[start:end])
        total_weight += sum(block_weights)
        block_max = max(block_weights)
        known = bytes(map(length_bytes.__getitem__, ids)).replace(b"\x00", b"")
        block_min_byte = min(known) if known else 0
        block_max_byte = max(known) if known else 0
        if known:
            min_byte = block_min_byte if min_byte is None else min(min_byte, block_min_byte)
        max_byte = max(max_byte, block_max_byte)
        max_weight = max(max_weight, block_max)
        deltas = tuple(map(operator.sub, ids, chain((0,), ids)))
        data = _compress(dumps((deltas, mini_weights, mini_values), 2))
        info = (len(ids), ids[-1], block_max, _COMPRESSION, block_min_byte, block_max_byte)
        info = dumps(info, 2)
        size = len(info) + len(data)
        parts += (pack_int(-size if end == count else size), info, data)
    term_info = W3TermInfo._struct.pack(
        False, total_weight, count, min_byte or 0, max_byte, max_weight, docnums[0], docnums[-1]
    )
    return b"".join(parts), term_info


def _compress(data: bytes) -> bytes:
    """zlib at _COMPRESSION with a 4 kB window and the least memory: a block is a few
    kB, and setting up zlib's default state costs more than compressing one."""
    compressor = zlib.compressobj(_COMPRESSION, zlib.DEFLATED, 12, 1)
    return compressor.compress(data) + compressor.flush()


def is_ready(directory: Path) -> bool:
    return (Path(directory) / limits.READY).is_file()


def remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
