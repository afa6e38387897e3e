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
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.models import Page, PageViewRestriction


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
