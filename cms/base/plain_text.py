"""Text fields as content/ may carry them: line breaks as "\\n", no other control character.

A browser submits a textarea's line breaks as "\\r\\n", and a crafted request can carry any
C0 control character; content/'s contract refuses both (gongshi/contract/schema.py), so one
such field would fail every build of the public site. Every text field of the content
models is cleaned as it is saved (`clean_text_fields`, a pre_save receiver), whatever
wrote it: the admin, a revision being published, a command.
"""

from __future__ import annotations

import re

from django.db import models

# The apps whose rows are exported (the supervision group's cases are not: what a citizen
# wrote is kept exactly, encrypted).
CONTENT_APPS = frozenset(
    {
        "base",
        "notices",
        "decisions",
        "revocations",
        "reporting",
        "programmes",
        "recipients",
        "govsite",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def plain(value: str) -> str:
    """`value` with "\\r\\n" and "\\r" as "\\n" and other control characters (but tab) removed."""
    if not _CONTROL.search(value):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_text_fields(sender, instance, **kwargs) -> None:
    if sender._meta.app_label not in CONTENT_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, plain(value))
