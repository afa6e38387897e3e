"""The worker's incremental builds: a publish names its page, the worker exports only that
page and what depends on it, and the site it makes is the one a full build makes."""

import hashlib
from pathlib import Path

import pytest
from factories import draft_open_notice

from cms.programmes.models import EditionPage
from cms.publishing import builds, export, incremental, tasks
from cms.publishing.models import SiteBuild
from cms.recordlog import export as record_export
from gongshi.record import verify
from gongshi_site import atomic, shared_dirs

pytestmark = pytest.mark.django_db


@pytest.fixture
def incremental_builds(settings):
    settings.GONGSHI_INCREMENTAL_BUILDS = True
    yield
    incremental.forget_state()


def signed_now(path: str) -> bool:
    """The log's files that name the head they were signed or proved against: a full build
    signs a new head and proves every item against it, an incremental one only the items
    with new entries (the others keep older heads, which the verifier checks)."""
    return path.endswith(("record/head.json", "record.json", "record.json.gz", "head.json.gz"))


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(shared_dirs.files(root))
        if not signed_now(path.relative_to(root).as_posix())
    }


def with_record(content: Path) -> int:
    count = export.write(export.collect(), content)
    record_export.write(content)
    return count


def full_build_of_the_database(directory: Path) -> Path:
    result = atomic.build_site(
        directory,
        with_record,
        environment=builds._pelican_environment(),
    )
    return result.output.parent


def run_requested_build(django_capture_on_commit_callbacks, action) -> SiteBuild:
    with django_capture_on_commit_callbacks(execute=True):
        action()
    build = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    return tasks.run_build(build.pk)


def assert_same_as_a_full_build(site_dir: Path, tmp_path: Path) -> None:
    incremental_build = atomic.live_output(site_dir).parent
    full = full_build_of_the_database(tmp_path / "full")
    assert digests(incremental_build / "content") == digests(full / "content")
    assert digests(incremental_build / "output") == digests(full / "output")
    # and its log, proofs of unchanged items included, verifies as the full build's does
    items = sorted(
        "/" + path.parent.relative_to(full / "output").as_posix() + "/"
        for path in shared_dirs.files(full / "output")
        if path.name == "record.json"
    )
    head, _ = verify.verify(str(incremental_build / "output"), pages=items)
    assert head["size"] == verify.verify(str(full / "output"), pages=items)[0]["size"]


def test_publishing_and_unpublishing_a_notice_are_incremental_and_exact(
    incremental_builds, demo_site_dir, tmp_path, django_capture_on_commit_callbacks
):
    notice = draft_open_notice("incremental", "增量发布的候选名单公示")

    build = run_requested_build(
        django_capture_on_commit_callbacks, lambda: notice.save_revision().publish()
    )
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert build.incremental and build.changed_pages == [notice.pk]
    live = atomic.live_output(demo_site_dir)
    assert notice.title in (live / "notices" / str(notice.pk) / "index.html").read_text()
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "1")

    notice.refresh_from_db()
    build = run_requested_build(django_capture_on_commit_callbacks, notice.unpublish)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert build.incremental
    gone = atomic.live_output(demo_site_dir) / "notices" / str(notice.pk)
    # only its log stays: the entries, and the last, that it stopped being public
    assert {path.name.removesuffix(".gz") for path in gone.iterdir()} == {"record.json"}
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "2")


def test_a_change_to_a_programme_gets_a_full_build(
    incremental_builds, demo_site_dir, django_capture_on_commit_callbacks
):
    programme = (
        EditionPage.objects.live()
        .filter(url_path__contains="/yuncheng/")
        .first()
        .get_parent()
        .specific
    )
    programme.summary += "（修订）"

    build = run_requested_build(
        django_capture_on_commit_callbacks, lambda: programme.save_revision().publish()
    )
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert not build.incremental


# --- Pages that leave the site by other means than the workflow ---------------------------
# A published document's change history protects its revisions: whoever deletes the page
# outside the admin (a shell, a command) deletes its change notes first.


def delete_in_a_shell(notice):
    from cms.base.models import ChangeNote

    ChangeNote.objects.filter(page=notice).delete()
    notice.delete()


def delete_as_a_query(notice):
    from wagtail.models import Page

    from cms.base.models import ChangeNote

    ChangeNote.objects.filter(page=notice).delete()
    Page.objects.filter(pk=notice.pk).delete()


def delete_by_a_command(notice):
    from django.core.management import call_command

    call_command(
        "shell",
        "-c",
        "from cms.base.models import ChangeNote; from wagtail.models import Page; "
        f"ChangeNote.objects.filter(page_id={notice.pk}).delete(); "
        f"Page.objects.get(pk={notice.pk}).delete()",
    )


def restrict_in_a_shell(notice):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=notice, restriction_type="login")


@pytest.mark.parametrize(
    "remove", [delete_in_a_shell, delete_as_a_query, delete_by_a_command, restrict_in_a_shell]
)
def test_a_live_page_removed_anyhow_leaves_the_site_at_the_next_build(
    incremental_builds, demo_site_dir, tmp_path, django_capture_on_commit_callbacks, remove
):
    """Whatever removes a live page (the admin refuses it; a shell, a command or a query
    does not), the next build leaves no stale copy: a change the incremental build cannot
    express is a full build."""
    from cms.notices.models import PublicityNoticePage

    notice = PublicityNoticePage.objects.live().first()
    page = atomic.live_output(demo_site_dir) / "notices" / str(notice.pk) / "index.html"
    assert page.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        remove(notice)
    build = tasks.run_build(SiteBuild.objects.get(status=SiteBuild.Status.QUEUED).pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    live = atomic.live_output(demo_site_dir)
    gone = live / "notices" / str(notice.pk)
    # its entries in the publication log stay public (record.json), nothing else
    assert {path.name.removesuffix(".gz") for path in gone.iterdir()} == {"record.json"}
    assert f"/notices/{notice.pk}/" not in (live / "notices" / "index.html").read_text()
    assert f"/notices/{notice.pk}/" not in (live / "feeds" / "all.atom").read_text()
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "full")


def test_a_deleted_page_in_a_build_with_other_publishes_makes_it_full(
    incremental_builds, demo_site_dir, tmp_path, django_capture_on_commit_callbacks
):
    """Requests join one queued build: a publish and a deletion together are a full build
    (and the export of a page that no longer exists is refused, not skipped)."""
    from cms.notices.models import PublicityNoticePage

    first, second = PublicityNoticePage.objects.live()[:2]
    with django_capture_on_commit_callbacks(execute=True):
        second.title += "（更正）"
        second.change_note = "更正标题"
        second.save_revision().publish()
        delete_in_a_shell(first)
    with pytest.raises(export.NeedsFullExport):
        export.partial_export([first.pk, second.pk])
    build = tasks.run_build(SiteBuild.objects.get(status=SiteBuild.Status.QUEUED).pk)
    assert build.status == SiteBuild.Status.SUCCEEDED and not build.incremental
    gone = atomic.live_output(demo_site_dir) / "notices" / str(first.pk)
    assert {path.name.removesuffix(".gz") for path in gone.iterdir()} == {"record.json"}
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "full")


def test_the_date_driven_build_is_incremental_and_exact(
    incremental_builds, demo_site_dir, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The 00:01 build of a new day publishes no page: an incremental build of the new
    build date, equal to a full build of that day. The dates are pinned (Beijing midnight
    is 16:00 UTC); the day the demo's periods are built for is the test's own."""
    environment = builds._pelican_environment
    day = {"GONGSHI_BUILD_DATE": "2031-03-01"}
    monkeypatch.setattr(builds, "_pelican_environment", lambda: {**environment(), **day})
    build = run_requested_build(
        django_capture_on_commit_callbacks, lambda: tasks.request_build("测试")
    )
    assert build.status == SiteBuild.Status.SUCCEEDED and not build.incremental

    day["GONGSHI_BUILD_DATE"] = "2031-03-02"
    with django_capture_on_commit_callbacks(execute=True):
        tasks.request_build("公示期结束：示例", new_day=True)
    build = tasks.run_build(SiteBuild.objects.get(status=SiteBuild.Status.QUEUED).pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert build.incremental and build.changed_pages == []
    assert_same_as_a_full_build(demo_site_dir, tmp_path / "full")

    # A date going backwards (a clock put right) gets a full build.
    day["GONGSHI_BUILD_DATE"] = "2031-03-01"
    with django_capture_on_commit_callbacks(execute=True):
        tasks.request_build("公示期结束：示例", new_day=True)
    build = tasks.run_build(SiteBuild.objects.get(status=SiteBuild.Status.QUEUED).pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert not build.incremental


def test_the_worker_reads_what_the_full_build_noted(
    incremental_builds, demo_site_dir, django_capture_on_commit_callbacks
):
    """After a full build the worker renders no page and makes no search record to know
    the build: it reads what the build noted beside its output (ADR 9). A build a publish
    made noted nothing (the worker loads a state only after a full build, and keeps it
    across publishes): loaded anyway, it is learnt by rendering every page."""
    state = incremental.load_state(demo_site_dir, environment=builds._pelican_environment())
    noted = atomic.live_output(demo_site_dir).parent / atomic.STATE
    assert {path.name for path in noted.iterdir()} >= {"pages-1.marshal", "search.marshal"}
    assert state.pages_rendered_at_load == 0 and state.index.made_at_load == 0

    notice = draft_open_notice("noted", "重启后的增量发布")
    build = run_requested_build(
        django_capture_on_commit_callbacks, lambda: notice.save_revision().publish()
    )
    assert build.status == SiteBuild.Status.SUCCEEDED and build.incremental, build.error
    incremental.forget_state()
    state = incremental.load_state(demo_site_dir, environment=builds._pelican_environment())
    assert state.pages_rendered_at_load == len(state.pages.fingerprints) > 0
    assert state.index.made_at_load > 0
