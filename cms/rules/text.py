"""Normalising what editors type: full-width characters, stray spaces."""

import unicodedata

_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}


def ascii_digits(value: str) -> str:
    """Full-width digits to ASCII, leaving every other character (〔〕, （）) as typed."""
    return value.translate(_FULLWIDTH_DIGITS)


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def squeeze(value: str) -> str:
    """Trim and drop the spaces that copying from a PDF leaves inside a code."""
    return "".join(value.split())
