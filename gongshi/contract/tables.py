"""Field tables: what schema.py checks a document against, one `Field` per key."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Field types. A field is required and not null unless it says otherwise; "text" may be
# empty, "str" may not.
STR, TEXT, INT, BOOL, DATE, DATETIME = "str", "text", "int", "bool", "date", "datetime"

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a programme's address part
# 索引号: organisation code (when one was set), year, sequence (gongshi/rules/website.py).
INDEX_NUMBER = re.compile(r"^(?:[0-9A-Z-]{9,18}/)?[0-9]{4}-[0-9]{5,}$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str | dict | list  # a scalar type, an object's fields, or [object fields] for a list
    nullable: bool = False
    choices: tuple[str, ...] = ()
    pattern: re.Pattern | None = None


def fields(*items: Field) -> dict[str, Field]:
    return {item.name: item for item in items}
