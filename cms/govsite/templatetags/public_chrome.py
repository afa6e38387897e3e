"""{% public_chrome "assets" %} and its siblings: the public site's chrome (chrome.py) in
the CMS's templates for public pages."""

from django import template

from ..chrome import PublicChrome

register = template.Library()

PIECES = ("assets", "meta", "header", "footer", "site_name")


@register.simple_tag(takes_context=True)
def public_chrome(context, piece: str, section: str = "reporting"):
    """One piece of the chrome, rendered once per request and section."""
    if piece not in PIECES:
        raise template.TemplateSyntaxError(f"public_chrome: no piece {piece!r}")
    request = context["request"]
    cache = request.__dict__.setdefault("_public_chrome", {})
    if section not in cache:
        cache[section] = PublicChrome(section, request.path)
    return getattr(cache[section], piece)()
