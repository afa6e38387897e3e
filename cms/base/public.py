"""What "public" means, decided once (docs/adr/0025-public-decided-once.md).

A page is public when it is live, every page above it but the root is live (no draft
edition, programme or section above it), and neither it nor any page above it carries a
view restriction, whoever is asking: a password or a login restriction makes a page
private to the site, which the static site cannot honour. (The export further lists a
document, a notice or a decision, only below a programme: cms/publishing/export/tree.py.)

The rule is written twice, in the two shapes its readers need, and a test holds them
equal (tests/cms/base/test_public.py):

- `opens_below(...)`, one page given its parent, as the export's page tree walks the
  tree in path order (the PageTree of cms/publishing/export/tree.py);
- `public_pages(model)`, a queryset, for the public read API and the confidential intake
  (/report/ may only offer what the public site shows).

What the public pages the CMS itself serves show (the report form's choices, the site's
name and identity in their header) is derived from this rule on every request, unless
`remembered(...)`: a process keeps it until the publication version changes. The version
is a token in the shared cache that every save or delete of a page, a view restriction,
a site or a model registered with `shows_in_public_pages` replaces, at once and again
when the transaction commits (so no process keeps what it read before the commit).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

T = TypeVar("T")


def opens_below(parent_open: bool, live: bool, restricted: bool) -> bool:
    """Whether a page (not the root) is public: its parent is open (the root if not
    restricted, any other page if public), it is live and carries no view restriction."""
    return parent_open and live and not restricted


def root_open(restricted: bool) -> bool:
    """The root is never shown, but a restriction on it closes the whole tree."""
    return not restricted


def hidden_sections() -> Q:
    """The pages below which nothing is public: an unpublished page other than the root,
    or a page (the root included) with a view restriction; as a condition on paths, the
    page itself included."""
    # An unpublished page with nothing below it hides only itself, which `live` does.
    unpublished = Page.objects.filter(live=False, depth__gt=1, numchild__gt=0)
    unpublished = unpublished.values_list("path", flat=True)
    restricted = PageViewRestriction.objects.values_list("page__path", flat=True)
    hidden = Q()
    for path in {*unpublished, *restricted}:
        hidden |= Q(path__startswith=path)
    return hidden


def public_pages(model: type = Page) -> QuerySet:
    """The public pages of `model` (a Page subclass): live, nothing unpublished or
    restricted at or above them."""
    pages = model._default_manager.filter(live=True, depth__gt=1)
    hidden = hidden_sections()
    return pages.exclude(hidden) if hidden else pages


def is_public(page: Page) -> bool:
    """Whether one page is public, by the same rule."""
    return public_pages().filter(pk=page.pk).exists()


# --- What public pages served by the CMS show, remembered per publication version -------

VERSION_KEY = "gongshi:public-version"
# A bound on what a missed change could cost (a raw SQL update, a restored database):
# whatever a process remembers is read again after this long, whatever the version says.
KEPT_AT_MOST = 300
_WATCHED: tuple[type[Model], ...] = (Page, PageViewRestriction, Site)
_remembered: dict[str, tuple[str, object, float, object]] = {}


# Within read_version_once(): the version this request has read, [] before the first read.
_read_in_request: ContextVar[list[str] | None] = ContextVar("public_version_read", default=None)


def version() -> str:
    """The current publication version (a random token in the shared cache); within
    read_version_once(), read from the cache once."""
    read = _read_in_request.get()
    if read:
        return read[0]
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        token = cache.get(VERSION_KEY) or "unset"
    if read is not None:
        read.append(token)
    return token


def read_version_once(view: Callable[..., T]) -> Callable[..., T]:
    """A view that reads the publication version once for all it remembers (the report
    form's offer, the site's chrome): one round trip to the shared cache, not one for
    each. The request answers as of that reading, as if it had been served at once; a
    change it makes itself is seen (publication_changed() forgets the reading)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        scope = _read_in_request.set([])
        try:
            return view(*args, **kwargs)
        finally:
            _read_in_request.reset(scope)

    return wrapped


def _forget_reading() -> None:
    read = _read_in_request.get()
    if read:
        read.clear()


def publication_changed() -> None:
    """Replace the version now and again when the current transaction commits: a process
    that reads between the two may remember the data of before the commit, which the
    second replacement makes it read again."""
    _forget_reading()
    cache.set(VERSION_KEY, secrets.token_hex(8), None)
    transaction.on_commit(_replace_version_on_commit)


def _replace_version_on_commit() -> None:
    _forget_reading()
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def shows_in_public_pages(*models: type[Model]) -> None:
    """Register models whose rows the remembered answers read (a reporting channel, the
    site's identity): saving or deleting one changes the version."""
    global _WATCHED
    _WATCHED = (*_WATCHED, *models)


def remembered(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in this process while the publication version and the day (the
    rule's dates are days) stay the same, and at most KEPT_AT_MOST seconds."""
    current, today, now = version(), timezone.localdate(), time.monotonic()
    kept = _remembered.get(name)
    if kept is not None and kept[0] == current and kept[1] == today and kept[2] > now:
        return kept[3]  # type: ignore[return-value]
    value = compute()
    _remembered[name] = (current, today, now + KEPT_AT_MOST, value)
    return value


def _on_change(sender, instance=None, **kwargs) -> None:
    if isinstance(instance, _WATCHED):
        publication_changed()


post_save.connect(_on_change, dispatch_uid="gongshi-public-version-save")
post_delete.connect(_on_change, dispatch_uid="gongshi-public-version-delete")
post_page_move.connect(_on_change, dispatch_uid="gongshi-public-version-move")
