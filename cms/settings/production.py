"""Production: everything secret or site-specific comes from the environment."""

import os
from pathlib import Path

from . import shared_state
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
# Login failures are counted per client address: cms.base.proxy (below) puts nginx's
# X-Real-IP into REMOTE_ADDR, which is where django-axes looks.

# Behind nginx (deploy/nginx/gongshi.conf): the client's address comes in X-Real-IP, and
# Django's static files have hashed names nginx may keep for a year.
MIDDLEWARE = ["cms.base.proxy.ClientAddressFromProxy", *MIDDLEWARE]  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# Builds run on a Redis-backed queue with its own worker (`manage.py gongshi_worker`, which
# runs rqworker with django-tasks' job class after the start-up steps) when REDIS_URL is
# set; otherwise on the database queue (`manage.py site_worker`).
if redis_url := os.environ.get("REDIS_URL"):
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
    RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": GONGSHI_BUILD_TIMEOUT + 60}}  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # rq's own Job cannot run a django-tasks Task ("'Task' object is not callable"):
    # every worker must use this one, which rqworker reads from here.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

GONGSHI_SITE_DIR = Path(os.environ.get("GONGSHI_SITE_DIR", VAR_DIR / "site"))  # noqa: F405
# The public site's address: feeds, the sitemap, canonical and Open Graph links are
# absolute, and a feed pointing at a developer's address would mislead every subscriber.
GONGSHI_SITE_URL = os.environ.get("GONGSHI_SITE_URL", "")
GONGSHI_RECORD_KEY_FILE = Path(
    os.environ.get("GONGSHI_RECORD_KEY_FILE", VAR_DIR / "record" / "signing.key")  # noqa: F405
)
if not GONGSHI_SITE_URL.startswith(("https://", "http://")):
    raise RuntimeError(
        "GONGSHI_SITE_URL must be the public site's address, e.g. https://zlj.example.gov.cn"
    )
GONGSHI_PELICAN_SETTINGS = BASE_DIR / "site" / "publishconf.py"  # noqa: F405

# Past one machine (docs/scaling.md): media in object storage, the cache in Redis,
# sessions in the database, every build pushed to object storage for the CDN.
if media := shared_state.media_storage(os.environ):
    STORAGES = {**STORAGES, "default": media}
WAGTAILDOCS_SERVE_METHOD = shared_state.documents_serve_method(media)
if cache := shared_state.shared_cache(os.environ):
    CACHES = cache
SESSION_ENGINE = "django.contrib.sessions.backends.db"
GONGSHI_SITE_PUSH_URL = os.environ.get("GONGSHI_SITE_PUSH_URL", "")
GONGSHI_SITE_PUSH_ENDPOINT_URL = os.environ.get("GONGSHI_SITE_PUSH_ENDPOINT_URL") or None
GONGSHI_SITE_PUSH_REGION = os.environ.get("GONGSHI_SITE_PUSH_REGION") or None
