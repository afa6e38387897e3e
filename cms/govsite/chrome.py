"""The public site's header, navigation and footer on the pages the CMS serves on the
public site's origin (the report form and its status page): rendered from the theme's
own templates/_chrome.html, which the built pages import too, so that they look and
work alike, 关怀版 included, and show the same 网站信息."""

from __future__ import annotations

import functools
from types import SimpleNamespace

from django.conf import settings
from django.utils.safestring import mark_safe


@functools.cache
def _chrome(theme: str):
    from jinja2 import Environment, FileSystemLoader

    environment = Environment(
        loader=FileSystemLoader(f"{theme}/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("_chrome.html").module


class PublicChrome:
    """The pieces of the chrome for one request, each rendered when asked for."""

    def __init__(self, section: str, url: str):
        self.section, self.url = section, url
        self.module = _chrome(str(settings.GONGSHI_THEME_DIR))

    @functools.cached_property
    def _site(self):
        from cms.base.public import remembered

        return remembered("govsite.chrome_site", _read_site)

    def site_name(self) -> str:
        return self._site[0]

    def assets(self) -> str:
        return mark_safe(self.module.assets())

    def meta(self) -> str:
        name, identity = self._site
        domain = ""  # the CMS does not know the public address; the built pages say it
        return mark_safe(self.module.site_meta(name, identity, domain, self.section))

    def header(self) -> str:
        return mark_safe(self.module.header(self._site[0], self.url, self.section))

    def footer(self) -> str:
        name, identity = self._site
        return mark_safe(self.module.footer(name, identity))


def _read_site():
    """The site's name and 网站信息, as the chrome shows them; remembered per publication
    version (cms/base/public.py): a home page, a site or a SiteIdentity saved changes it."""
    from .models import SiteIdentity, public_site_name

    identity = SiteIdentity.of_public_site().public()
    contact = bool(identity["phone"] or identity["email"] or identity["address"])
    return public_site_name(), SimpleNamespace(**identity, has_contact=contact)
