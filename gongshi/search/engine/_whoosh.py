"""Whoosh, imported with its compile warnings silenced (see the package's docstring):
every module of the engine takes whoosh's names from here."""

import warnings

with warnings.catch_warnings():
    for category in (SyntaxWarning, DeprecationWarning):
        # A compile warning's "module" is its file's path without .py.
        warnings.filterwarnings("ignore", category=category, module=r".*[/\\]whoosh[/\\]")
    from whoosh import collectors, formats, index, query, scoring
    from whoosh.analysis import Token, Tokenizer
    from whoosh.codec.whoosh3 import (
        LENGTHS_COLUMN,
        WHOOSH3_HEADER_MAGIC,
        W3Codec,
        W3LeafMatcher,
        W3PerDocReader,
        W3TermInfo,
        byte_to_length,
        length_to_byte,
    )
    from whoosh.columns import VarBytesColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.matching import NullMatcher, WrappingMatcher
    from whoosh.searching import TimeLimit
    from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
    from whoosh.writing import SegmentWriter


__all__ = [
    "COLUMN",
    "ID",
    "KEYWORD",
    "LENGTHS_COLUMN",
    "NUMERIC",
    "STORED",
    "TEXT",
    "WHOOSH3_HEADER_MAGIC",
    "NullMatcher",
    "Schema",
    "SegmentWriter",
    "TimeLimit",
    "Token",
    "Tokenizer",
    "VarBytesColumn",
    "W3Codec",
    "W3LeafMatcher",
    "W3PerDocReader",
    "W3TermInfo",
    "WrappingMatcher",
    "byte_to_length",
    "collectors",
    "formats",
    "index",
    "length_to_byte",
    "pack_int",
    "pack_long",
    "pack_uint",
    "pack_ushort",
    "query",
    "scoring",
]
