"""The admin under its Content-Security-Policy, with two-factor authentication and login
throttling, in Chromium. Every page these tests open fails the test on a CSP violation
(tests/browser/conftest.py), so the tour below is also the proof that Wagtail 8's admin
lives with the policy: sign-in, dashboard, page explorer, editing a notice (date pickers,
an inline panel row added, the preview panel), account settings and 双重认证 enrolment.
The workflow approval and the 举报案件 inbox are toured by test_editorial_to_public and
test_reporting under the same rule."""

import re

import pytest
from browser_support import DEMO_PASSWORD, log_in, shot
from django.conf import settings as django_settings
from two_factor import code_for

from cms.demo.loader import DRAFT_MARK, load_demo
from cms.notices.models import PublicityNoticePage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]


def test_an_editor_works_under_the_policy_and_enrols_in_two_factor(live_server, new_page):
    load_demo()
    draft = PublicityNoticePage.objects.not_live().get(title__contains=DRAFT_MARK)
    editor = new_page()
    response = editor.goto(f"{live_server.url}/admin/login/")
    assert response.headers["content-security-policy"] == django_settings.GONGSHI_CSP
    log_in(editor, live_server.url, "editor")  # no code asked: editors may, not must

    # Dashboard, explorer, a notice's edit form with its date pickers and inline panel.
    editor.get_by_role("link", name=re.compile(r"^\d+个页面")).click()
    expect(editor.get_by_role("heading", level=1)).to_be_visible()
    editor.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    expect(editor.get_by_placeholder("页面标题*")).to_be_visible()
    editor.locator("#id_entries-ADD").click()  # a row from the inline panel's template
    date_field = editor.locator("input[name='start_date']")
    date_field.click()
    expect(editor.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    editor.keyboard.press("Escape")
    editor.locator("[data-side-panel-toggle='preview']").click()
    expect(editor.frame_locator("#w-preview-iframe").locator("body")).to_be_visible()
    shot(editor, "security-1-editor-under-csp")

    # 双重认证 from the account settings: QR code and key, a code, backup codes once.
    editor.goto(f"{live_server.url}/admin/account/")
    editor.locator("#tab-label-actions").click()
    editor.get_by_role("link", name="双重认证（未启用）").click()
    expect(editor.locator(".gongshi-qr-code svg")).to_be_visible()
    secret = editor.locator(".gongshi-secret").inner_text().replace(" ", "")
    key = _hex_key(secret)
    editor.get_by_label("验证码").fill(code_for(key))
    editor.get_by_role("button", name="启用双重认证").click()
    expect(editor.get_by_text("双重认证已启用。")).to_be_visible()
    expect(editor.locator(".gongshi-backup-codes li")).to_have_count(10)
    shot(editor, "security-2-backup-codes")

    # Next time the editor signs in, the code is asked for.
    again = new_page()
    again.goto(f"{live_server.url}/admin/login/")
    again.get_by_label("用户名").fill("editor")
    again.get_by_placeholder("输入密码").fill(DEMO_PASSWORD)
    again.get_by_role("button", name="登录").click()
    expect(again).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    again.get_by_label("验证码").fill("000000")
    again.get_by_role("button", name="验证").click()
    expect(again.get_by_text(re.compile("验证码不正确"))).to_be_visible()
    shot(again, "security-3-wrong-code")


def test_an_approver_cannot_reach_the_admin_before_the_code(live_server, new_page):
    load_demo()
    approver = new_page()
    approver.goto(f"{live_server.url}/admin/login/")
    approver.get_by_label("用户名").fill("approver")
    approver.get_by_placeholder("输入密码").fill(DEMO_PASSWORD)
    approver.get_by_role("button", name="登录").click()
    expect(approver).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    for path in ("/admin/", "/admin/pages/", "/admin/workflows/tasks/index/"):
        approver.goto(live_server.url + path)
        expect(approver).to_have_url(re.compile(r"/admin/two-factor/verify/\?next="))
    expect(approver.get_by_text(re.compile("身份验证器"))).to_be_visible()
    shot(approver, "security-4-code-step")


def test_guessing_a_password_locks_the_login_with_a_reason(live_server, new_page):
    load_demo()
    page = new_page()
    for _ in range(5):
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("用户名").fill("editor")
        page.get_by_placeholder("输入密码").fill("guess")
        page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(re.compile("登录失败次数过多.*15分钟"))).to_be_visible()
    shot(page, "security-5-locked")


def test_with_no_referrer_chromium_posts_origin_null_and_csrf_refuses_the_login(
    live_server, new_page
):
    """Why the CMS sends Referrer-Policy: same-origin, not no-referrer (ADR 0012): the
    login page is served as production served it before, with no-referrer."""
    load_demo()
    page = new_page()

    def with_no_referrer(route):
        response = route.fetch()
        if route.request.method != "GET":
            return route.fulfill(response=response)
        headers = {**response.headers, "referrer-policy": "no-referrer"}
        return route.fulfill(response=response, headers=headers)

    page.route(re.compile(r"/admin/login/"), with_no_referrer)
    origins = []
    page.on("request", lambda request: origins.append(request.headers.get("origin")))
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("用户名").fill("editor")
    page.get_by_placeholder("输入密码").fill(DEMO_PASSWORD)
    with page.expect_response(re.compile(r"/admin/login/")) as posted:
        page.get_by_role("button", name="登录").click()
    assert "null" in origins
    assert posted.value.status == 403


def test_the_report_forms_post_their_origin_even_under_the_sites_no_referrer(live_server, new_page):
    """nginx may add the public site's Referrer-Policy: no-referrer to /report/; the
    intake's pages say same-origin in a <meta>, which the browser obeys, so the form still
    posts its real Origin and passes the CSRF check."""
    page = new_page()

    def with_no_referrer(route):
        response = route.fetch()
        headers = {**response.headers, "referrer-policy": "no-referrer"}
        return route.fulfill(response=response, headers=headers)

    page.route(re.compile(r"/report/"), with_no_referrer)
    origins = []
    page.on("request", lambda request: origins.append(request.headers.get("origin")))
    page.goto(f"{live_server.url}/report/status/")
    page.locator("input[type='text'], input:not([type])").first.fill("ABCD-EFGH-JKMN-PQRS")
    with page.expect_response(re.compile(r"/report/status/")) as posted:
        page.locator("form.report-form button[type='submit']").first.click()
    assert live_server.url in origins and "null" not in origins
    assert posted.value.status != 403
    expect(page.get_by_text("无法确认表单来自本站")).to_have_count(0)


def _hex_key(base32_secret: str) -> str:
    from base64 import b32decode

    return b32decode(base32_secret).hex()
