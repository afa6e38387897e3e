"""Where a CMS application server keeps what must be shared with the others: read from
the environment by production.py (this is not a settings module of its own).

With several application servers behind a load balancer nothing may live on one
server's disk or in one process's memory: media (Wagtail's images, their renditions and
documents) go to S3-compatible object storage, the cache (the intake's rate limits,
django-axes' counters if configured with it) to Redis, sessions to the database.
Unset, a single server keeps media in MEDIA_ROOT and a per-process cache, as the demo
does. docs/scaling.md lists the variables.
"""

from __future__ import annotations

from collections.abc import Mapping

SIGNED_URL_SECONDS = 300  # a document link an editor opened expires after five minutes


def media_storage(environ: Mapping[str, str]) -> dict | None:
    """The STORAGES["default"] entry for GONGSHI_MEDIA_S3_*, or None without a bucket.

    The bucket stays private: without a custom domain every URL is signed and expires,
    so a document in a restricted collection cannot be read by whoever learns its URL.
    """
    bucket = environ.get("GONGSHI_MEDIA_S3_BUCKET", "")
    if not bucket:
        return None
    custom_domain = environ.get("GONGSHI_MEDIA_S3_CUSTOM_DOMAIN", "")
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("GONGSHI_MEDIA_S3_ENDPOINT_URL", ""),
        "region_name": environ.get("GONGSHI_MEDIA_S3_REGION", ""),
        "access_key": environ.get("GONGSHI_MEDIA_S3_ACCESS_KEY_ID", ""),
        "secret_key": environ.get("GONGSHI_MEDIA_S3_SECRET_ACCESS_KEY", ""),
        "location": environ.get("GONGSHI_MEDIA_S3_PREFIX", "media"),
        "custom_domain": custom_domain,
        "querystring_auth": not custom_domain,
        "querystring_expire": SIGNED_URL_SECONDS,
        "file_overwrite": False,  # two servers saving "list.pdf" at once keep both
    }
    # Unset values fall back to boto3's own chain (AWS_* variables, an instance role).
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {name: value for name, value in options.items() if value != ""},
    }


def documents_serve_method(storage: dict | None) -> str:
    """Wagtail checks a document's privacy in its own view either way; then it redirects
    to a signed, expiring URL, or, when media URLs are public (a custom domain), sends
    the file itself so a restricted document never gets a public address."""
    if storage and storage["OPTIONS"].get("querystring_auth"):
        return "redirect"
    return "serve_view"


def shared_cache(environ: Mapping[str, str]) -> dict | None:
    """CACHES in Redis (GONGSHI_CACHE_URL, else the queue's REDIS_URL), or None.

    Redis outlives the database it caches: Wagtail keeps the sites' root paths there, and
    a cache written for another database (a restored one, a second deployment on the same
    Redis) names sites this one lacks. GONGSHI_CACHE_KEY_PREFIX keeps deployments apart.
    """
    url = environ.get("GONGSHI_CACHE_URL") or environ.get("REDIS_URL", "")
    if not url:
        return None
    return {
        "default": {
            "BACKEND": "cms.base.redis_cache.ReusedClientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": environ.get("GONGSHI_CACHE_KEY_PREFIX") or "gongshi",
        }
    }
