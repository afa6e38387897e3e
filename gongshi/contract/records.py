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
import operator
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


@functools.cache
def names(record: type) -> tuple[str, ...]:
    """The record's field names, in the order documents write them."""
    return tuple(item.name for item in dataclasses.fields(record))


@functools.cache
def table(record: type) -> dict[str, tables.Field]:
    """The record as a field table (tables.py): what schema.py checks documents against."""
    hints = _hints(record)
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
    plan = _plan(type(record))
    values = plan.get(record)
    if len(plan.names) == 1:
        values = (values,)
    if not plan.converted:  # scalars only (an entry): the values as they are
        return dict(zip(plan.names, values, strict=True))
    return {
        name: _written(kind, value)
        for name, kind, value in zip(plan.names, plan.kinds, values, strict=True)
    }


def open_data(record) -> dict:
    """as_document() without the fields kept out of the open data files."""
    document = as_document(record)
    return {name: document[name] for name in _plan(type(record)).open_data}


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
    plan = _plan(record)
    # Made without the frozen __init__ (one object.__setattr__ a field: three times the
    # cost of the whole read); the values are the checked document's, nothing is to run.
    made = object.__new__(record)
    if not plan.converted:
        if document.keys() == plan.name_set:
            made.__dict__.update(document)  # an entry, a period rule: taken as they are
        else:
            made.__dict__.update({name: document[name] for name in plan.names})
        return made
    values = {}
    for name, kind in plan.fields:
        value = document[name]
        if kind is not None and value is not None:
            if kind is date:
                value = date.fromisoformat(value)
            elif kind is datetime:
                value = moment(value)
            elif kind[0] == "list":
                value = [from_document(kind[1], item, moment=moment) for item in value]
            else:
                value = from_document(kind[1], value, moment=moment)
        values[name] = value
    made.__dict__.update(values)
    return made


@dataclasses.dataclass(frozen=True)
class _Plan:
    """How a record's fields are written and read, worked out once per record type: the
    site reads tens of thousands of notices, with their entries, on every build."""

    names: tuple[str, ...]
    name_set: frozenset[str]
    kinds: tuple  # per field: None (as it is), date, datetime, or ("list"|"one", record)
    fields: tuple  # (name, kind) pairs
    converted: bool  # any field not taken as it is
    get: object  # attrgetter of the fields
    open_data: tuple[str, ...]


@functools.cache
def _plan(record: type) -> _Plan:
    hints = _hints(record)
    kinds = []
    for name in names(record):
        kind, _nullable = _unwrapped(hints[name])
        if typing.get_origin(kind) is list:
            (member,) = typing.get_args(kind)
            if not dataclasses.is_dataclass(member):
                raise TypeError(f"{record.__name__}.{name}: a list holds records")
            kinds.append(("list", member))
        elif dataclasses.is_dataclass(kind):
            kinds.append(("one", kind))
        else:
            kinds.append(kind if kind in (date, datetime) else None)
    return _Plan(
        names=names(record),
        name_set=frozenset(names(record)),
        kinds=tuple(kinds),
        fields=tuple(zip(names(record), kinds, strict=True)),
        converted=any(kind is not None for kind in kinds),
        get=operator.attrgetter(*names(record)),
        open_data=tuple(
            item.name for item in dataclasses.fields(record) if item.metadata.get("open_data", True)
        ),
    )


def _written(kind, value):
    if kind is None or value is None:
        return value
    if kind is date:
        return value.isoformat()
    if kind is datetime:
        return value.isoformat(timespec="seconds")
    if kind[0] == "list":
        return [as_document(item) for item in value]
    return as_document(value)


@functools.cache
def _hints(record: type) -> dict:
    return typing.get_type_hints(record)


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
