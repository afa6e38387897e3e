import json
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent.parent / "cms" / "programmes" / "data"


@pytest.fixture
def programmes(db):
    """The four shipped programmes, loaded as an administrator would, keyed by slug."""
    from cms.base.models import HomePage
    from cms.programmes.loading import load_programme
    from cms.programmes.models import ProgrammeIndexPage

    if not ProgrammeIndexPage.objects.exists():
        HomePage.objects.get().add_child(
            instance=ProgrammeIndexPage(title="评选项目", slug="programmes")
        )
    loaded = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        page, _ = load_programme(json.loads(path.read_text(encoding="utf-8")))
        loaded[page.slug] = page
    return loaded


@pytest.fixture
def clock():
    """The server's clock (django.utils.timezone.now, which Wagtail and the CMS read), set
    to a moment in China time: `clock.set("2023-09-26 10:00")`; it stays there until set
    again. Untouched, the real clock runs."""
    from datetime import datetime
    from unittest import mock
    from zoneinfo import ZoneInfo

    class Clock:
        moment = None

        def set(self, moment: str):
            self.moment = datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
            return self.moment

    clock = Clock()
    real_now = __import__("django.utils.timezone", fromlist=["now"]).now
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.moment or real_now()):
        yield clock


@pytest.fixture
def users(db):
    """One account per role; the approvers are two different people. Approvers and the
    supervisor have an authenticator with two_factor.KNOWN_KEY (they must use one); sign
    in a test client with two_factor.log_in."""
    from django.contrib.auth.models import Group, User
    from two_factor import add_authenticator

    from cms.base import roles

    def make(username, group=None, **extra):
        user = User.objects.create_user(username, f"{username}@example.com", "pw", **extra)
        if group:
            user.groups.add(Group.objects.get(name=group))
        if group in (roles.APPROVERS, roles.SUPERVISORS):
            add_authenticator(user)
        return user

    return {
        "editor": make("editor", roles.EDITORS),
        "editor2": make("editor2", roles.EDITORS),
        "approver": make("approver", roles.APPROVERS),
        "approver2": make("approver2", roles.APPROVERS),
        "supervisor": make("supervisor", roles.SUPERVISORS),
        "admin": make("admin", roles.ADMINISTRATORS, is_superuser=True, is_staff=True),
    }


@pytest.fixture
def edition(programmes):
    """A published 2023 edition of the Yuncheng award (运政发〔2023〕14号)."""
    from cms.programmes.models import EditionPage

    edition = EditionPage(title="2023年度（第三届）", slug="2023", number=3, year=2023)
    programmes["yuncheng"].add_child(instance=edition)
    edition.save_revision().publish()
    return edition


# CI sets GONGSHI_REQUIRE_BROWSER=1 after installing Chromium: there, a browser test that
# skips (Chromium or Playwright missing) fails the run instead of passing quietly.
_skipped_browser_tests = []


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    import os
    import shutil

    from django.conf import settings

    # The per-process media and site folders of cms.settings.test, never anything else.
    for folder in (settings.MEDIA_ROOT, settings.GONGSHI_SITE_DIR):
        if Path(folder).name.endswith(f"-{os.getpid()}") and "gongshi-test-" in str(folder):
            shutil.rmtree(folder, ignore_errors=True)
    if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1" and _skipped_browser_tests:
        print(f"\n{len(_skipped_browser_tests)} browser tests skipped but Chromium is required:")
        for nodeid in _skipped_browser_tests:
            print(f"  {nodeid}")
        session.exitstatus = 1


@pytest.fixture
def demo_site_dir(db, settings, tmp_path):
    """The demo content, built by the worker's code path with the real Pelican project into
    a site directory of this test's own; returns that directory (its `live` is served)."""
    from cms.demo.loader import load_demo
    from cms.publishing import tasks
    from cms.publishing.models import SiteBuild

    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    load_demo()
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    return settings.GONGSHI_SITE_DIR


@pytest.fixture(autouse=True)
def _forget_published_content():
    """The content API keeps the export per process, keyed by aggregates that a rolled-back
    test can leave equal for the next test's different content."""
    yield
    from cms.publishing import published_content

    published_content.forget()


@pytest.fixture(autouse=True)
def forget_remembered_public_answers():
    """What a process remembers per publication version (cms/base/public.py) outlives a
    test's database, which is rolled back without a signal: each test starts with none."""
    from cms.base import public

    public._remembered.clear()
    yield
    public._remembered.clear()
