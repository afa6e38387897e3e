"""Typed records: a frozen dataclass whose fields are (part of) a document of content/.

A record's attribute names, annotations and `rule()`s are the contract: schema.py makes
its field table from them (`table`), the exporter writes a record as JSON (`as_document`)
and the site reads one back with Python values (`from_document`). A field is named once,
in its record; docs/adr/0043-typed-contract.md says why.

How an annotation maps onto the contract's types: `str` is a non-empty string (`rule(text=
True)`: may be empty), `int` a non-negative integer, `bool`, `date` (YYYY-MM-DD),
`datetime` (ISO 8601 with an offset, to the second), `X | None` the same or null, a record
an object, `list[record]` a list of objects.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date, datetime

from . import tables


def rule(
    *,
    text: bool = False,
    choices: tuple[str, ...] = (),
    pattern=None,
    open_data: bool = True,
    label: str = "",
):
    """A record field's contract beyond its annotation: `text` (a string that may be
    empty), `choices`, `pattern`; `open_data=False` keeps it out of the open data files;
    `label`: the field is text that summaries (feed entries) show as it is, under it."""
    return dataclasses.field(
        metadata={
            "text": text,
            "choices": choices,
            "pattern": pattern,
            "open_data": open_data,
            "label": label,
        }
    )


def names(record: type) -> tuple[str, ...]:
    """The record's field names, in the order documents write them."""
    return tuple(item.name for item in dataclasses.fields(record))


@functools.cache
def table(record: type) -> dict[str, tables.Field]:
    """The record as a field table (tables.py): what schema.py checks documents against."""
    hints = typing.get_type_hints(record)
    fields = []
    for item in dataclasses.fields(record):
        kind, nullable = _unwrapped(hints[item.name])
        meta = item.metadata
        fields.append(
            tables.Field(
                item.name,
                _contract_type(kind, meta.get("text", False)),
                nullable=nullable,
                choices=meta.get("choices", ()),
                pattern=meta.get("pattern"),
            )
        )
    return tables.fields(*fields)


def as_document(record) -> dict:
    """The record as JSON-ready values, keys in field order (what content/ files hold)."""
    return {name: _json(getattr(record, name)) for name in names(type(record))}


def open_data(record) -> dict:
    """as_document() without the fields kept out of the open data files."""
    return {
        item.name: _json(getattr(record, item.name))
        for item in dataclasses.fields(record)
        if item.metadata.get("open_data", True)
    }


def labelled(record) -> list[tuple[str, object]]:
    """(label, value) of the record's fields that have a label, in field order."""
    return [
        (item.metadata["label"], getattr(record, item.name))
        for item in dataclasses.fields(record)
        if item.metadata.get("label")
    ]


def from_document(record: type, document: dict, *, moment=datetime.fromisoformat):
    """The record of a checked `document` (its other keys ignored), with Python values;
    `moment` reads a timestamp (the site reads them in China time)."""
    hints = typing.get_type_hints(record)
    return record(**{name: _value(hints[name], document[name], moment) for name in names(record)})


def _unwrapped(annotation) -> tuple[object, bool]:
    """(the annotation without `| None`, whether it had it)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return members[0], len(members) < len(typing.get_args(annotation))
    return annotation, False


def _contract_type(kind, text: bool):
    if typing.get_origin(kind) is list:
        return [table(typing.get_args(kind)[0])]
    if dataclasses.is_dataclass(kind):
        return table(kind)
    if kind is str:
        return tables.TEXT if text else tables.STR
    scalar = {int: tables.INT, bool: tables.BOOL, date: tables.DATE, datetime: tables.DATETIME}
    return scalar[kind]


def _json(value):
    if isinstance(value, datetime):  # before date: a datetime is a date
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return as_document(value)
    if isinstance(value, (list, tuple)):
        return [_json(item) for item in value]
    return value


def _value(annotation, value, moment):
    if value is None:
        return None
    kind, _nullable = _unwrapped(annotation)
    if typing.get_origin(kind) is list:
        (member,) = typing.get_args(kind)
        return [from_document(member, item, moment=moment) for item in value]
    if dataclasses.is_dataclass(kind):
        return from_document(kind, value, moment=moment)
    if kind is datetime:
        return moment(value)
    if kind is date:
        return date.fromisoformat(value)
    return value
