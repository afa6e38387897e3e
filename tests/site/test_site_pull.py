"""Search servers that pull the latest index from object storage (moto's S3 server):
two search services, each with its own pulled directory, both answer for a winner
published after they started; a tampered or incomplete index is never switched to."""

import json
import os
import subprocess
import sys
from datetime import date
from urllib.parse import urlencode

import pytest
from admin_forms import valid_code
from factories import published_decision
from objectstore_support import push_every_build_to, s3_server
from ports import free_port

from cms.programmes.models import EditionPage
from cms.publishing import push, tasks
from cms.publishing.models import SiteBuild
from gongshi.search.service import SearchService
from gongshi_site import pull
from gongshi_site.atomic import REPOSITORY

pytestmark = pytest.mark.django_db
S3_PORT = free_port()
BUCKET = "gongshi-pull"
SOURCE = f"s3://{BUCKET}/site"


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3_server(S3_PORT) as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings):
    return push_every_build_to(settings, s3_endpoint, SOURCE)


def ask(app, path, q):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": urlencode({"q": q})}
    statuses = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], json.loads(body)


def run_pull(site_dir, endpoint, source=SOURCE) -> subprocess.CompletedProcess:
    """The command a systemd timer runs, as a process of its own without Django."""
    environment = {**os.environ, "GONGSHI_SITE_PUSH_ENDPOINT_URL": endpoint}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "gongshi_site.pull", "--from", source, "--site-dir", str(site_dir)],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_two_search_servers_pull_and_answer_for_a_new_winner(
    bucket, s3_endpoint, demo_site_dir, tmp_path, django_capture_on_commit_callbacks
):
    servers = [tmp_path / "search-a", tmp_path / "search-b"]
    services = [SearchService(server) for server in servers]
    assert ask(services[0], "/search.json", "质量")[0].startswith("503"), "nothing pulled yet"
    # One pulls from the bucket's API, the other over plain HTTP from the bucket's web
    # address, readable by all as the origin of a CDN is.
    readable = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    readable["Resource"] = f"arn:aws:s3:::{BUCKET}/*"
    policy = {"Version": "2012-10-17", "Statement": [readable]}
    bucket.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    sources = [SOURCE, f"{s3_endpoint}/{BUCKET}/site"]
    for server, source in zip(servers, sources, strict=True):
        pulled = run_pull(server, s3_endpoint, source)
        assert pulled.returncode == 0, pulled.stderr
        assert "已切换到索引" in pulled.stdout
    for service in services:
        status, answer = ask(service, "/search.json", "堃源示范")
        assert status.startswith("200") and answer["results"], answer

    name = "【示例】运城市拉取测试精密机械有限公司"
    edition = EditionPage.objects.live().filter(url_path__contains="/yuncheng/").first()
    with django_capture_on_commit_callbacks(execute=True):
        # signed today: its validity, derived on publish, runs from today
        published_decision(edition, name, valid_code("91140800MA0K0LQ3X"), date.today())
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    for service in services:
        assert ask(service, "/verify.json", name)[1]["match"] == "none", "not pulled yet"

    for server in servers:
        assert pull.pull(pull.open_store(SOURCE, endpoint_url=s3_endpoint), server)
    for service in services:
        status, verdict = ask(service, "/verify.json", name)
        assert status.startswith("200") and verdict["match"] != "none", verdict
        assert verdict["winners"][0]["awards"][0]["status"] == "valid"
        assert ask(service, "/search.json", "拉取测试精密")[1]["results"][0]["title"] == name
    # Nothing new: nothing fetched, nothing switched.
    assert pull.pull(pull.open_store(SOURCE, endpoint_url=s3_endpoint), servers[0]) is None


def test_a_tampered_or_unfinished_index_is_never_switched_to(bucket, s3_endpoint, demo_site_dir):
    site = demo_site_dir.parent / "search-server"
    store = pull.open_store(SOURCE, endpoint_url=s3_endpoint)
    pull.pull(store, site)
    live = os.readlink(site / "live")
    latest = json.loads(store.get(push.SEARCH_LATEST))

    segment = next(path for path in latest["files"] if path.endswith(".seg"))
    key = f"site/{push.SEARCH_PREFIX}{latest['build']}/{segment}"
    bucket.put_object(Bucket=BUCKET, Key=key, Body=b"tampered")
    latest["generation"] += 1
    bucket.put_object(Bucket=BUCKET, Key=f"site/{push.SEARCH_LATEST}", Body=json.dumps(latest))
    with pytest.raises(pull.PullFailed, match="校验失败"):
        pull.pull(store, site)
    assert os.readlink(site / "live") == live

    del latest["files"]["READY"]
    bucket.put_object(Bucket=BUCKET, Key=f"site/{push.SEARCH_LATEST}", Body=json.dumps(latest))
    with pytest.raises(pull.PullFailed, match="READY"):
        pull.pull(store, site)
    assert os.readlink(site / "live") == live
    assert not [p for p in (site / "builds").iterdir() if p.name.startswith(".incoming")]
