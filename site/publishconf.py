"""Settings for the public deployment: pelicanconf.py plus the site's public address,
which the sitemap and Open Graph tags need as absolute URLs.

    GONGSHI_SITE_URL=https://zlj.example.gov.cn \
        .venv/bin/python -m pelican <content dir> -o <output dir> -s site/publishconf.py
"""

import os

from gongshi_site.pelican_settings import *  # noqa: F403
from gongshi_site.pelican_settings import from_environment

globals().update(from_environment())

SITEURL = os.environ.get("GONGSHI_SITE_URL", "").strip().rstrip("/")
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        "publishconf.py 需要环境变量 GONGSHI_SITE_URL，例如 https://zlj.example.gov.cn"
    )
