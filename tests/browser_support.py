"""Helpers of the browser tests (tests/browser/), importable by name: a test module that
imported them from `conftest` could get another directory's conftest in a full run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

SHOTS = Path("/tmp/shots")
DEMO_PASSWORD = "gongshi-demo"


def shot(page, name: str) -> Path:
    """Save a screenshot of what the page shows as /tmp/shots/browser-<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"browser-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, base_url: str, username: str) -> None:
    """Log into the admin as a demo account, through its login form, and past the
    双重认证 step for the accounts that must use it (the demo's authenticator key)."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("用户名").fill(username)
    # Wagtail's login form gives the password field no label of its own ("Password").
    page.get_by_placeholder("输入密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url:
        type_two_factor_code(page)
    expect(page.get_by_role("link", name="控制面板")).to_be_visible()


def type_two_factor_code(page, key: str | None = None) -> None:
    """Type the current code of `key` (the demo accounts' by default); a code is accepted
    once, so if this step's code was used already, the next step's (still accepted)."""
    from two_factor import code_for

    from cms.demo.loader import TWO_FACTOR_KEY

    for steps_ahead in (0, 1):
        page.get_by_label("验证码").fill(code_for(key or TWO_FACTOR_KEY, steps_ahead))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
        if "/two-factor/verify/" not in page.url:
            return


def build_site(site_dir: Path, build_date: date | None = None):
    """Build what is live in the database now, as the worker's build does (export, real
    Pelican, atomic swap), optionally for a pinned day."""
    from django.conf import settings

    from cms.publishing import export
    from cms.recordlog import export as record_export
    from gongshi_site import atomic

    def write(directory: Path) -> int:
        count = export.write(export.collect(), directory)
        record_export.write(directory)  # the publication log, signed (no previous build)
        return count

    environment = {"GONGSHI_BUILD_DATE": build_date.isoformat()} if build_date else {}
    return atomic.build_site(
        site_dir,
        write,
        settings_file=Path(settings.GONGSHI_PELICAN_SETTINGS),
        timeout=120,
        environment=environment,
    )
