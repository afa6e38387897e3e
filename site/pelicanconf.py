"""Pelican settings for the public site, used as is for local and CMS builds.

    .venv/bin/python -m pelican <content dir> -o <output dir> -s site/pelicanconf.py

The settings live in the site build package (gongshi_site/pelican_settings.py), so that
publishconf.py shares them by name.
"""

from gongshi_site.pelican_settings import *  # noqa: F403
from gongshi_site.pelican_settings import from_environment

globals().update(from_environment())
