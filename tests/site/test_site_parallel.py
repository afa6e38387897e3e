"""Pages and feeds written by forked processes beside the search index give exactly the
tree one process gives; a process that fails fails the build, saying which
(site/gongshi_site/parallel.py, docs/adr/0008-build-performance.md)."""

import shutil

import pytest
from sitebuild import FIXTURE_CONTENT, REPOSITORY, build, tree_differences

from gongshi_site import atomic
from gongshi_site.parallel import Job, JobFailed, run_jobs

SEARCH_SHELLS = ("shell-search.html", "shell-verify.html")


def _build(tmp_path, name, workers, content=FIXTURE_CONTENT, settings=None):
    output, search = tmp_path / name / "output", tmp_path / name / "search"
    environment = {"GONGSHI_BUILD_WORKERS": str(workers), "GONGSHI_SEARCH_DIR": str(search)}
    kwargs = {"settings": settings} if settings else {}
    finished = build(content, output, extra_environment=environment, **kwargs)
    return finished, output, search


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_writing_gives_the_tree_of_a_single_process(tmp_path, workers):
    finished, single, single_search = _build(tmp_path, "single", 1)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    finished, parallel, parallel_search = _build(tmp_path, "parallel", workers)
    assert finished.returncode == 0, finished.stderr + finished.stdout

    assert tree_differences(single, parallel) == []
    assert len(list(parallel.rglob("index.html"))) > 20
    for shell in SEARCH_SHELLS:
        assert (single_search / shell).read_bytes() == (parallel_search / shell).read_bytes()


@pytest.fixture
def broken_theme_settings(tmp_path):
    """Settings whose notice template fails while it renders, so only a process writing
    pages fails, after reading and checking have passed."""
    theme = tmp_path / "theme"
    shutil.copytree(REPOSITORY / "themes" / "gongshi", theme)
    template = theme / "templates" / "notice.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "{% block content %}", "{% block content %}{{ document.title.missing.field }}"
        ),
        encoding="utf-8",
    )
    settings = tmp_path / "brokenconf.py"
    settings.write_text(
        "from gongshi_site.pelican_settings import *  # noqa: F403\n"
        "from gongshi_site.pelican_settings import from_environment\n"
        "globals().update(from_environment())\n"
        f"THEME = {str(theme)!r}\n",
        encoding="utf-8",
    )
    return settings


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_page_fails_the_build_with_a_message(tmp_path, broken_theme_settings, workers):
    finished, _, _ = _build(tmp_path, "broken", workers, settings=broken_theme_settings)
    assert finished.returncode == 1
    assert "页面和订阅源的写入" in finished.stderr
    assert "失败" in finished.stderr
    assert "构建已停止：站点未生成，线上站点保持不变。" in finished.stderr


def test_a_failing_build_leaves_live_untouched(tmp_path, broken_theme_settings):
    site_dir = tmp_path / "site"

    def export(directory):
        shutil.copytree(FIXTURE_CONTENT, directory, dirs_exist_ok=True)
        return 1

    environment = {"GONGSHI_BUILD_DATE": "2024-06-12"}
    first = atomic.build_site(site_dir, export, environment=environment)
    with pytest.raises(atomic.BuildFailed) as failed:
        atomic.build_site(
            site_dir, export, settings_file=broken_theme_settings, environment=environment
        )
    assert "页面和订阅源的写入" in str(failed.value)
    assert atomic.live_output(site_dir) == first.output.resolve()


def test_a_job_that_raises_stops_the_others_and_is_named():
    def fails():
        raise RuntimeError("boom")

    with pytest.raises(JobFailed, match="索引失败"):
        run_jobs([Job("索引", fails), Job("页面", lambda: None)], parallel=True)
    with pytest.raises(JobFailed, match="索引失败：RuntimeError：boom"):
        run_jobs([Job("索引", fails)], parallel=False)


def test_a_job_killed_by_a_signal_fails_the_build():
    import os
    import signal

    def killed():
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(JobFailed, match="页面失败：进程被信号 9 终止"):
        run_jobs([Job("页面", killed)], parallel=True)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_shares_hold_every_output_once_at_about_the_same_cost(workers):
    from gongshi_site.generator import balanced_shares

    outputs = [(f"/feeds/{n}.atom", None, 40.0 * n) for n in range(1, 8)]
    outputs += [(f"/notices/{n}/", None, 0.75) for n in range(2000)]
    shares = balanced_shares(outputs, workers)
    assert sorted(o[0] for share in shares for o in share) == sorted(o[0] for o in outputs)
    loads = [sum(output[2] for output in share) for share in shares]
    assert max(loads) - min(loads) <= max(output[2] for output in outputs)
