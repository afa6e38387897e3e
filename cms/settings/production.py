"""Production: everything secret or site-specific comes from the environment."""

import os
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
WAGTAILADMIN_BASE_URL = os.environ["WAGTAILADMIN_BASE_URL"]
CSRF_TRUSTED_ORIGINS = [WAGTAILADMIN_BASE_URL]
if "DATABASE_URL" not in os.environ:
    raise RuntimeError("DATABASE_URL must point to PostgreSQL in production")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # set by nginx
SECURE_SSL_REDIRECT = True
# A year of HTTPS only, as browsers remember it; a deployment still trying HTTPS out sets
# DJANGO_HSTS_SECONDS=300 first (HSTS cannot be taken back before it expires).
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
# The site's own name and every name below it: a government site has no plain-HTTP part.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# same-origin, not no-referrer, on the CMS's own pages: with no-referrer Chromium sends
# "Origin: null" on a form's POST and the CSRF check refuses every login (ADR 0012). The
# public site's pages send no-referrer (deploy/nginx/snippets/public-headers.conf).
SECURE_REFERRER_POLICY = "same-origin"
LANGUAGE_COOKIE_SECURE = True
# Failed logins are counted per client address as nginx saw it (proxy_set_header X-Real-IP
# $remote_addr); gunicorn listens only to nginx, so no client can set this header itself.
GONGSHI_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"

# Builds run on a Redis-backed queue with its own worker (`manage.py rqworker default`)
# when REDIS_URL is set; otherwise on the database queue (`manage.py site_worker`).
if redis_url := os.environ.get("REDIS_URL"):
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
    RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": GONGSHI_BUILD_TIMEOUT + 60}}  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

GONGSHI_SITE_DIR = Path(os.environ.get("GONGSHI_SITE_DIR", VAR_DIR / "site"))  # noqa: F405
# The public site's address: feeds, the sitemap, canonical and Open Graph links are
# absolute, and a feed pointing at a developer's address would mislead every subscriber.
GONGSHI_SITE_URL = os.environ.get("GONGSHI_SITE_URL", "")
if not GONGSHI_SITE_URL.startswith(("https://", "http://")):
    raise RuntimeError(
        "GONGSHI_SITE_URL must be the public site's address, e.g. https://zlj.example.gov.cn"
    )
GONGSHI_PELICAN_SETTINGS = BASE_DIR / "site" / "publishconf.py"  # noqa: F405
