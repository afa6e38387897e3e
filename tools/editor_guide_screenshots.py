"""Take the screenshots of docs/editor-guide.md from the real admin.

Builds a throwaway demo CMS (its own SQLite database in a temporary directory, the demo
data of `make demo`), serves it on 127.0.0.1:PORT, and walks it in Debian's Chromium as
an editor and an approver do, saving small PNGs (palette-reduced) into docs/editor-guide/.

    .venv/bin/python tools/editor_guide_screenshots.py [--port 9921]

Rerun after changing the admin; the guide's text names the same buttons.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPOSITORY = Path(__file__).resolve().parent.parent
OUT = REPOSITORY / "docs" / "editor-guide"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "gongshi-demo"
COLOURS = 64  # palette size: the admin's flat colours survive, the files stay small


def manage(environment, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPOSITORY,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"the demo CMS did not start on port {port}")


def save(page, name: str, locator=None) -> None:
    path = OUT / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    image = Image.open(path).convert("RGB").quantize(colors=COLOURS)
    image.save(path, optimize=True)
    print(f"{path.relative_to(REPOSITORY)}: {path.stat().st_size // 1024} KB")


def log_in(page, base: str, username: str, environment) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_placeholder("输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url:
        page.get_by_label("验证码").fill(manage(environment, "demo_code").strip())
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()


def walk(base: str, environment, ids: dict) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        options = {"viewport": {"width": 1100, "height": 760}, "locale": "zh-CN"}

        editor = browser.new_context(**options).new_page()
        log_in(editor, base, "editor", environment)
        save(editor, "01-dashboard-editor")
        editor.goto(f"{base}/admin/pages/{ids['edition']}/")
        save(editor, "02-explorer")
        editor.goto(f"{base}/admin/pages/add/notices/publicitynoticepage/{ids['edition']}/")
        editor.locator('[name="start_rule"]').select_option("fixed")
        editor.locator('[name="start_date"]').fill("2023-09-28")
        editor.locator('[name="working_days"]').fill("5")
        editor.locator("body").click(position={"x": 5, "y": 5})  # close the date picker
        editor.get_by_text("2023年10月10日").first.wait_for()
        period = editor.locator("[data-period-preview]").locator("xpath=../..")
        period.scroll_into_view_if_needed()
        save(editor, "03-notice-period", period)
        editor.goto(f"{base}/admin/pages/{ids['draft']}/edit/")
        actions = editor.get_by_role("navigation", name="动作（页脚）")
        actions.get_by_role("button", name="更多动作").click()
        save(editor, "04-submit")
        editor.goto(f"{base}/admin/pages/{ids['decision']}/edit/")
        save(editor, "05-decision")
        editor.goto(f"{base}/admin/pages/add/revocations/revocationpage/{ids['programme']}/")
        save(editor, "06-revocation")
        editor.goto(f"{base}/admin/pages/{ids['live_notice']}/edit/")
        correction = editor.get_by_text("延长或更正公示期").first
        correction.scroll_into_view_if_needed()
        save(editor, "07-correction")
        editor.goto(f"{base}/admin/pages/{ids['live_notice']}/unpublish/")
        save(editor, "08-withdrawal")

        # The editor submits the draft, so that the approver has it waiting.
        editor.goto(f"{base}/admin/pages/{ids['draft']}/edit/")
        actions.get_by_role("button", name="更多动作").click()
        actions.get_by_role("button", name="提交给公开审核").click()
        editor.wait_for_load_state()

        approver = browser.new_context(**options).new_page()
        log_in(approver, base, "approver", environment)
        save(approver, "09-dashboard-approver")
        awaiting = approver.locator(
            "section", has=approver.get_by_role("heading", name="等待你的审查")
        )
        row = awaiting.get_by_role("row").filter(
            has=approver.get_by_role("link", name=ids["title"])
        )
        row.get_by_role("button", name="动作").click()
        row.get_by_role("button", name="批准", exact=True).click()
        approver.get_by_role("dialog").wait_for()
        approver.wait_for_timeout(800)  # the dialog fades in
        save(approver, "10-approve-dialog")
        browser.close()


DEMO_IDS = """
import json
from cms.demo.loader import DRAFT_MARK
from cms.decisions.models import AwardDecisionPage
from cms.notices.models import PublicityNoticePage

draft = PublicityNoticePage.objects.not_live().get(title__contains=DRAFT_MARK)
edition = draft.get_parent()
print(json.dumps({
    "draft": draft.pk,
    "title": draft.title,
    "edition": edition.pk,
    "programme": edition.get_parent().pk,
    "decision": AwardDecisionPage.objects.live().first().pk,
    "live_notice": PublicityNoticePage.objects.live().first().pk,
}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9921)
    arguments = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongshi-guide-") as scratch:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": f"sqlite:///{scratch}/guide.sqlite3",
        }
        manage(environment, "migrate", "--no-input", "-v0")
        manage(environment, "load_demo")
        ids = json.loads(manage(environment, "shell", "-c", DEMO_IDS).strip().splitlines()[-1])
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{arguments.port}", "--noreload"],
            cwd=REPOSITORY,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(arguments.port)
            walk(f"http://127.0.0.1:{arguments.port}", environment, ids)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
