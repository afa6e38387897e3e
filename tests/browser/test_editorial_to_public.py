"""Editor → approver → worker → citizen, end to end, as people do it: the editor submits
the demo's draft notice through the admin, another person approves it, the task worker
(as it runs in production) builds the site, and a citizen finds the notice on it. Nobody
runs a build command."""

import re

import pytest
from browser_support import log_in, shot
from django.conf import settings as django_settings
from django.core.management import call_command

from cms.demo.loader import DRAFT_MARK, load_demo
from cms.notices.models import PublicityNoticePage
from cms.publishing.models import SiteBuild
from cms.publishing.tasks import run_site_build

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    # The admin runs in live_server's thread, so the data must be committed and the
    # database is flushed afterwards. Naming every app keeps that flush from sending
    # post_migrate, whose handler (cms.base.roles) fails on an empty page tree.
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]


@pytest.fixture
def production_queue(settings, tmp_path, monkeypatch):
    """The task queue production uses (django-tasks' database backend) and a site
    directory of this test's own; the build date is the real one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    monkeypatch.delenv("GONGSHI_BUILD_DATE", raising=False)
    # The test database was migrated with the dummy task backend, so the build that
    # migrate's post_migrate requested is queued without a task; production's migrate
    # puts one in the database queue. Queue it as production would have.
    for build in SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED):
        run_site_build.enqueue(build.pk)
    return settings.GONGSHI_SITE_DIR


def test_a_submitted_and_approved_notice_reaches_the_public_site(
    live_server, production_queue, new_page, serve_site, restore_signal_handlers
):
    load_demo()
    draft = PublicityNoticePage.objects.not_live().get(title__contains=DRAFT_MARK)
    title = draft.title.replace(DRAFT_MARK, "")
    entries = [entry.name for entry in draft.entries.all()]
    assert entries

    # The editor finds the draft through the page explorer and edits it.
    editor = new_page()
    log_in(editor, live_server.url, "editor")
    editor.get_by_role("link", name=re.compile(r"^\d+个页面")).click()
    for parent in draft.get_ancestors().filter(depth__gte=3):  # programmes, programme, edition
        editor.get_by_role("link", name=f"查看'{parent.title}'的子页面").click()
        expect(editor).to_have_url(re.compile(rf"/admin/pages/{parent.pk}/$"))
    editor.get_by_role("link", name=draft.title, exact=True).click()
    expect(editor).to_have_url(re.compile(rf"/admin/pages/{draft.pk}/edit/$"))
    # The draft marker is for the office, not the public.
    editor.get_by_placeholder("页面标题*").fill(title)

    # No way to publish directly: the action menu offers only the workflow.
    actions = editor.get_by_role("navigation", name="动作（页脚）")
    actions.get_by_role("button", name="更多动作").click()
    expect(actions.get_by_role("button", name=re.compile("发布"))).to_have_count(0)
    shot(editor, "e2e-1-editor-action-menu")
    actions.get_by_role("button", name="提交给公开审核").click()
    expect(editor.get_by_text(re.compile(f"{re.escape(title)}.*已经提交进行审核"))).to_be_visible()
    shot(editor, "e2e-2-editor-submitted")
    draft.refresh_from_db()
    assert not draft.live
    assert draft.current_workflow_state.status == "in_progress"

    # Another person, an approver, approves it from the dashboard.
    approver = new_page()
    log_in(approver, live_server.url, "approver")
    awaiting = approver.locator("section", has=approver.get_by_role("heading", name="等待你的审查"))
    row = awaiting.get_by_role("row").filter(has=approver.get_by_role("link", name=title))
    expect(row).to_be_visible()
    shot(approver, "e2e-3-approver-dashboard")
    row.get_by_role("button", name="动作").click()
    row.get_by_role("button", name="批准", exact=True).click()
    # The approval dialog says what approving now does: the period the server fixes.
    dialog = approver.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile(r"公示期为\d{4}年\d+月\d+日至"))).to_be_visible()
    expect(dialog.get_by_text("自发布之日起计算", exact=False)).to_be_visible()
    shot(approver, "e2e-3b-approver-dialog")
    with approver.expect_navigation():  # the dialog posts the approval and reloads
        dialog.get_by_role("button", name="批准").click()
    expect(approver.get_by_role("link", name="控制面板")).to_be_visible()
    expect(awaiting.get_by_role("link", name=title)).to_have_count(0)
    shot(approver, "e2e-4-approver-approved")

    notice = PublicityNoticePage.objects.get(pk=draft.pk)
    assert notice.live and notice.title == title
    queued = SiteBuild.objects.get(status=SiteBuild.Status.QUEUED)
    assert f"发布：{title}" in queued.trigger_list

    # The worker runs what is queued, as `manage.py site_worker` does in production.
    call_command("site_worker", "--batch")
    built = SiteBuild.objects.get(pk=queued.pk)
    assert built.status == SiteBuild.Status.SUCCEEDED, built.error

    # A citizen finds it on the public site, served from the live build.
    citizen = new_page()
    site = serve_site(production_queue)
    citizen.goto(site + "/")
    expect(citizen.get_by_role("link", name=title).first).to_be_visible()
    assert citizen.get_by_text(DRAFT_MARK).count() == 0
    shot(citizen, "e2e-5-citizen-home")
    citizen.get_by_role("navigation", name="主导航").get_by_role("link", name="公示公告").click()
    expect(citizen).to_have_url(site + "/notices/")
    citizen.get_by_role("link", name=title).first.click()
    expect(citizen).to_have_url(f"{site}/notices/{notice.pk}/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text(title)
    listed = citizen.get_by_role("table").filter(has_text="拟奖名单").get_by_role("rowheader")
    expect(listed).to_have_text(entries)
    shot(citizen, "e2e-6-citizen-notice")
