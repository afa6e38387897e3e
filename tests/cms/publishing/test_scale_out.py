"""Past one machine, as real processes: two CMS application servers (gunicorn, production
settings) and two queue workers (`manage.py rqworker`, django-tasks' RQ backend), each
worker with a site directory of its own as if on its own machine, against one PostgreSQL
database and one Redis, pushing to one object store (moto's S3 server).

Approvers publish many notices at once through both servers' admin; when the queue has
drained, far fewer builds ran than publishes, no two builds ever ran at the same time,
all of them succeeded, and the pushed site (what the CDN serves) has every notice.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from factories import draft_notice
from objectstore_support import CREDENTIALS, make_bucket, s3_server
from ports import free_port
from two_factor import log_in
from wagtail.models import WorkflowState

from cms.notices.models import PublicityNoticePage
from cms.publishing import push
from cms.publishing.models import SiteBuild
from cms.recordlog import keys
from gongshi_site.atomic import REPOSITORY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
]
CMS_PORTS = (free_port(), free_port())
S3_PORT = free_port()
BUCKET = "gongshi-scale"
NOTICES = 24


def database_url() -> str:
    """The test database pytest-django created, for the other processes."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


@pytest.fixture
def s3_endpoint():
    with s3_server(S3_PORT) as endpoint:
        make_bucket(endpoint, BUCKET)
        yield endpoint


def empty_queue():
    import redis
    from rq import Queue

    Queue("default", connection=redis.Redis.from_url(os.environ["REDIS_URL"])).empty()


@pytest.fixture
def stack(s3_endpoint, tmp_path):
    """Two gunicorn servers and two rqworkers; yields the servers' base URLs."""
    empty_queue()
    signing_key = tmp_path / "record" / "signing.key"
    keys.write_new(signing_key)
    environment = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        # The sessions the test logs approvers in with are signed with the test's key.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": f"https://127.0.0.1:{CMS_PORTS[0]}",
        "GONGSHI_SITE_URL": "https://zlj.example.gov.cn",
        "DATABASE_URL": database_url(),
        "GONGSHI_SITE_PUSH_URL": f"s3://{BUCKET}/public",
        "GONGSHI_SITE_PUSH_ENDPOINT_URL": s3_endpoint,
        # Redis outlives this test database: a cache left by an earlier run names its sites.
        "GONGSHI_CACHE_KEY_PREFIX": f"gongshi-scale-{secrets.token_hex(4)}",
        # One site, one signing key for its publication log, whichever worker builds.
        "GONGSHI_RECORD_KEY_FILE": str(signing_key),
    }
    processes = []

    def start(command, **extra):
        log = open(tmp_path / f"process-{len(processes)}.log", "wb")
        process = subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env={**environment, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append((process, log))

    # Production serves hashed static files (ManifestStaticFilesStorage): without their
    # manifest every admin page fails, as it would on a server never given collectstatic.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=REPOSITORY,
        env=environment,
        check=True,
    )
    for port in CMS_PORTS:
        start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
            ]
        )
    for name in ("a", "b"):
        site_dir = tmp_path / f"worker-{name}" / "site"
        start(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "default",
                "--with-scheduler",
                "--name",
                f"scale-{name}-{os.getpid()}",
            ],
            GONGSHI_SITE_DIR=str(site_dir),
        )
    urls = [f"http://127.0.0.1:{port}" for port in CMS_PORTS]
    try:
        for url in urls:
            wait_for(lambda url=url: answers(url + "/admin/login/"), 60, f"{url} did not start")
        yield urls
    finally:
        for process, _ in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process, log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        empty_queue()


def answers(url: str) -> bool:
    try:
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def wait_for(condition, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.5)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def approve_over_http(base_url: str, session: str, notice_pk: int, task_state_pk: int) -> int:
    """What the approver's 批准 button posts, behind the TLS-terminating proxy."""
    csrf = secrets.token_hex(16)  # 32 characters, as Django's CSRF cookie holds
    path = reverse("wagtailadmin_pages:workflow_action", args=(notice_pk, "approve", task_state_pk))
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "comment": ""}).encode()
    request = urllib.request.Request(
        base_url + path,
        data=body,
        headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "X-Forwarded-Proto": "https",
            "Origin": "https://" + urllib.parse.urlsplit(base_url).netloc,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_concurrent_publishes_through_two_servers_coalesce_into_ordered_builds(
    stack, users, edition, s3_endpoint, tmp_path
):
    notices = []
    for number in range(NOTICES):
        notice = draft_notice(
            edition,
            title=f"第{number + 1}批受理名单公示",
            slug=f"accepted-{number}",
            kind="accepted",
            date_signed=date(2023, 9, 1),
            # These servers run on the real clock: a fixed start in 2023 would be refused
            # at approval (ADR 18), so each period runs from going live.
            start_rule="on_publication",
            start_date=None,
            end_date=None,
        )
        notice.save_revision(user=users["editor"])
        notice.get_workflow().start(notice, users["editor"])
        notices.append(notice)
    # The fixtures published the programmes in this process, whose queue is a dummy: start
    # from an empty build history, as the publishes below are what is measured.
    SiteBuild.objects.all().delete()
    sessions = []
    for approver in ("approver", "approver2"):
        client = Client()
        log_in(client, users[approver])  # with the second step approvers must take
        sessions.append(client.cookies["sessionid"].value)
    jobs = []
    for position, notice in enumerate(notices):
        state = WorkflowState.objects.get(object_id=str(notice.pk), status="in_progress")
        server = position % 2  # half through each application server
        jobs.append((stack[server], sessions[server], notice.pk, state.current_task_state.pk))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda job: approve_over_http(*job), jobs))
    publishing_seconds = time.monotonic() - started
    assert statuses == [302] * NOTICES, statuses
    # A refused approval redirects too: every notice must be live before builds are awaited.
    assert PublicityNoticePage.objects.live().filter(pk__in=[n.pk for n in notices]).count() == (
        NOTICES
    )

    def drained():
        pending = SiteBuild.objects.filter(
            status__in=[SiteBuild.Status.QUEUED, SiteBuild.Status.RUNNING]
        )
        return SiteBuild.objects.exists() and not pending.exists()

    wait_for(drained, 300, "the queue did not drain")
    drained_seconds = time.monotonic() - started

    runs = list(SiteBuild.objects.order_by("started_at"))
    assert all(run.status == SiteBuild.Status.SUCCEEDED for run in runs), [
        (run.pk, run.error) for run in runs
    ]
    assert len(runs) <= NOTICES // 3, f"{len(runs)} builds for {NOTICES} publishes"
    for earlier, later in itertools.pairwise(runs):
        assert later.started_at >= earlier.finished_at, "two builds ran at the same time"
    assert [run.pk for run in runs] == sorted(run.pk for run in runs), "built in order"
    triggers = [trigger for run in runs for trigger in run.trigger_list]
    for notice in notices:
        assert f"发布：{notice.title}" in triggers

    # The site the CDN serves: pushed by whichever worker ran the last build, it holds
    # every notice, its page and its line on the listing.
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")

    def pushed(path: str) -> bytes:
        return s3.get_object(Bucket=BUCKET, Key=f"public/{path}")["Body"].read()

    manifest = json.loads(pushed(push.MANIFEST))
    assert manifest["generation"] == runs[-1].pk
    listing = pushed("notices/index.html").decode()
    for notice in notices:
        assert f"notices/{notice.pk}/index.html" in manifest["files"]
        assert notice.title in pushed(f"notices/{notice.pk}/index.html").decode()
        assert notice.title in listing
    ran = {
        name: len(list((tmp_path / f"worker-{name}" / "site" / "builds").glob("*")))
        for name in ("a", "b")
        if (tmp_path / f"worker-{name}" / "site" / "builds").exists()
    }
    print(
        f"\n{NOTICES} publishes in {publishing_seconds:.1f} s through {len(stack)} servers; "
        f"{len(runs)} builds, queue drained after {drained_seconds:.1f} s; "
        f"build seconds: {[round(run.duration.total_seconds(), 1) for run in runs]}; "
        f"builds kept per worker: {ran}"
    )
