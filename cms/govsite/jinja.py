"""The Jinja2 environment of the public pages the CMS serves on the public site's origin
(the report form, its receipt and the status pages: cms/supervision/jinja2/).

The same engine as the built site's templates, autoescaped, so that these pages cost what
a Jinja2 page costs: in Django's template language the form and the receipt took about a
third of a report's CPU time (docs/benchmark.md). What Django's tags gave them comes from
here: the site's chrome (chrome.py), `date` in local time and `linebreaks`. The backend
adds `request`, `csrf_input` and `csrf_token` to every page rendered with a request.
"""

from __future__ import annotations

from django.template.defaultfilters import date as django_date
from django.utils.html import linebreaks as django_linebreaks
from django.utils.timezone import template_localtime
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from .chrome import PublicChrome


def environment(**options) -> Environment:
    options["undefined"] = StrictUndefined  # a missing name is an error, not empty text
    # A template's last newline is kept, as Django's template language keeps it.
    options["keep_trailing_newline"] = True
    env = Environment(**options)
    env.globals["public_chrome"] = public_chrome
    env.filters["date"] = date
    env.filters["linebreaks"] = linebreaks
    return env


def public_chrome(request, section: str = "reporting") -> PublicChrome:
    """The chrome's pieces for this request and section, each rendered when asked for."""
    chromes = request.__dict__.setdefault("_public_chrome", {})
    if section not in chromes:
        chromes[section] = PublicChrome(section, request.path)
    return chromes[section]


def date(value, format_string: str) -> str:
    """Django's `date` filter, in the current time zone as Django's templates give it."""
    return django_date(template_localtime(value), format_string)


def linebreaks(value) -> Markup:
    """Django's `linebreaks`: paragraphs and <br> around the text, escaped."""
    return Markup(django_linebreaks(value, autoescape=True))
