"""The production settings keep nothing on one application server when told where the
shared state lives: media in the bucket, the cache in Redis, sessions in the database."""

import json

from test_production import manage

PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'storage': s.STORAGES['default'], 'cache': s.CACHES['default']['BACKEND'],"
    "'sessions': s.SESSION_ENGINE, 'documents': s.WAGTAILDOCS_SERVE_METHOD,"
    "'push': s.GONGSHI_SITE_PUSH_URL}))"
)


def production_settings(**environment) -> dict:
    result = manage("shell", "-c", PRINT, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_object_storage_or_redis_one_server_keeps_media_on_disk():
    found = production_settings()
    assert found["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["push"] == ""


def test_with_object_storage_and_redis_nothing_stays_on_the_server():
    found = production_settings(
        GONGSHI_MEDIA_S3_BUCKET="gongshi-media",
        GONGSHI_MEDIA_S3_ENDPOINT_URL="https://oss.example.gov.cn",
        REDIS_URL="redis://127.0.0.1:6379/3",
        GONGSHI_SITE_PUSH_URL="s3://gongshi-site/public",
    )
    assert found["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert found["storage"]["OPTIONS"]["bucket_name"] == "gongshi-media"
    assert found["storage"]["OPTIONS"]["querystring_auth"] is True
    assert found["documents"] == "redirect"
    assert found["cache"] == "cms.base.redis_cache.ReusedClientRedisCache"
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["push"] == "s3://gongshi-site/public"
