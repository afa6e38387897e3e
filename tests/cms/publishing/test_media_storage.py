"""Media in S3-compatible object storage (moto's S3 server), as several CMS application
servers keep it: a document uploaded in the admin lands in the bucket, not on the
server's disk, the admin serves it through a signed URL, an image's renditions are made
there too, and the public site's build reads the attachment through the storage API."""

import io
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import draft_notice
from objectstore_support import make_bucket, s3_server
from PIL import Image
from ports import free_port
from wagtail.documents.models import Document
from wagtail.images.models import Image as WagtailImage
from wagtail.models import Collection

from cms.publishing import tasks
from cms.publishing.models import SiteBuild
from cms.settings import shared_state

pytestmark = pytest.mark.django_db
S3_PORT = free_port()
BUCKET = "gongshi-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3_server(S3_PORT) as endpoint:
        yield endpoint


@pytest.fixture
def media_bucket(s3_endpoint, settings):
    """The production settings' media storage, from the same variables, against moto."""
    client = make_bucket(s3_endpoint, BUCKET)
    media = shared_state.media_storage(
        {"GONGSHI_MEDIA_S3_BUCKET": BUCKET, "GONGSHI_MEDIA_S3_ENDPOINT_URL": s3_endpoint}
    )
    settings.STORAGES = {**settings.STORAGES, "default": media}
    settings.WAGTAILDOCS_SERVE_METHOD = shared_state.documents_serve_method(media)
    return client


def stored_keys(client) -> set[str]:
    answer = client.list_objects_v2(Bucket=BUCKET)
    return {entry["Key"] for entry in answer.get("Contents", [])}


def test_an_uploaded_document_is_stored_served_and_built_from_the_bucket(
    client, users, edition, media_bucket, settings, tmp_path
):
    data = b"%PDF-1.4\n% gongshi object storage test\n" + bytes(range(256)) * 40
    client.force_login(users["admin"])
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "候选名单（PDF）",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("名单.pdf", data, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    document = Document.objects.get(title="候选名单（PDF）")
    assert f"media/{document.file.name}" in stored_keys(media_bucket)
    assert not Path(settings.MEDIA_ROOT, document.file.name).exists(), "nothing on local disk"

    served = client.get(document.url)
    assert served.status_code == 302
    assert "X-Amz-Signature=" in served["Location"] or "Signature=" in served["Location"]
    with urlopen(served["Location"], timeout=10) as signed:
        assert signed.read() == data

    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    notice = draft_notice(edition, attachments=[("document", document)])
    notice.save_revision().publish()
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    live = (settings.GONGSHI_SITE_DIR / "live").resolve()
    [attachment] = (live / "attachments" / str(document.pk)).iterdir()
    assert attachment.read_bytes() == data
    page = (live / "notices" / str(notice.pk) / "index.html").read_text(encoding="utf-8")
    assert f"/attachments/{document.pk}/{quote(attachment.name)}" in page


def test_image_renditions_are_made_in_the_bucket(media_bucket):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "#c00").save(buffer, "PNG")
    image = WagtailImage.objects.create(
        title="证书照片", file=SimpleUploadedFile("证书.png", buffer.getvalue())
    )
    rendition = image.get_rendition("fill-120x90")
    assert rendition.width == 120 and rendition.height == 90
    keys = stored_keys(media_bucket)
    assert f"media/{image.file.name}" in keys and f"media/{rendition.file.name}" in keys
    with urlopen(rendition.url, timeout=10) as signed:
        assert Image.open(io.BytesIO(signed.read())).size == (120, 90)


@pytest.mark.parametrize(
    "environ, method",
    [
        ({}, "serve_view"),
        ({"GONGSHI_MEDIA_S3_BUCKET": "m"}, "redirect"),
        ({"GONGSHI_MEDIA_S3_BUCKET": "m", "GONGSHI_MEDIA_S3_CUSTOM_DOMAIN": "cdn.x"}, "serve_view"),
    ],
)
def test_documents_are_redirected_only_to_signed_urls(environ, method):
    storage = shared_state.media_storage(environ)
    assert shared_state.documents_serve_method(storage) == method
    if storage:
        assert storage["OPTIONS"]["querystring_auth"] is (
            "GONGSHI_MEDIA_S3_CUSTOM_DOMAIN" not in environ
        )


def test_the_cache_is_shared_in_redis_when_there_is_one():
    assert shared_state.shared_cache({}) is None
    cache = shared_state.shared_cache({"REDIS_URL": "redis://r:6379/0"})["default"]
    assert cache["BACKEND"].endswith("RedisCache") and cache["LOCATION"] == "redis://r:6379/0"
    override = {"REDIS_URL": "redis://r/0", "GONGSHI_CACHE_URL": "redis://c/1"}
    assert shared_state.shared_cache(override)["default"]["LOCATION"] == "redis://c/1"
    assert cache["KEY_PREFIX"] == "gongshi"
    second_deployment = {"REDIS_URL": "redis://r/0", "GONGSHI_CACHE_KEY_PREFIX": "jinshui"}
    assert shared_state.shared_cache(second_deployment)["default"]["KEY_PREFIX"] == "jinshui"
