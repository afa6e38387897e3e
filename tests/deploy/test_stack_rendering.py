"""deploy/stack renders the shipped files by substituting paths, ports and addresses only,
and the result is a configuration nginx accepts."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CONFIG = {
    "https_port": 9543,
    "http_port": 9580,
    "cms_port": 9510,
    "search_port": 9511,
    "database_url": "postgres://postgres@127.0.0.1:5432/gongshi_stack_test",
    "redis_url": "redis://127.0.0.1:6379/1",
}


def test_only_paths_ports_and_addresses_change(stack, tmp_path):
    shipped = (REPOSITORY / "deploy" / "nginx" / "gongshi.conf").read_text()
    rendered = stack.rendered(shipped, CONFIG)
    assert "/srv/gongshi" not in rendered and "/etc/ssl/gongshi" not in rendered
    assert f"root {tmp_path}/site/live;" in rendered
    assert "listen 127.0.0.1:9543 ssl http2;" in rendered
    assert "server 127.0.0.1:9510;" in rendered and "server 127.0.0.1:9511;" in rendered

    # Every directive of the shipped file is still there, in order, with the same name.
    def directives(text):
        return [line.split()[0] for line in text.splitlines() if line.strip()[:1] not in ("", "#")]

    without_ipv6 = "\n".join(line for line in shipped.splitlines() if "[::]" not in line)
    assert directives(rendered) == directives(without_ipv6)


def test_the_units_give_the_supervisor_their_commands(stack, tmp_path):
    (tmp_path / "gongshi.env").write_text(stack.environment_file(CONFIG))
    worker = stack.unit("gongshi-worker", CONFIG)
    assert worker["command"][-2:] == ["manage.py", "gongshi_worker"]
    assert worker["command"][0] == str(REPOSITORY / ".venv" / "bin" / "python")
    assert worker["environment"]["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
    assert worker["environment"]["REDIS_URL"] == CONFIG["redis_url"]
    assert worker["restart"] == "on-failure"
    cms = stack.unit("gongshi-cms", CONFIG)
    assert cms["command"][1:] == ["-c", "deploy/gunicorn/cms.py", "cms.wsgi"]


def test_the_environment_file_has_every_variable_production_reads(stack):
    production = (REPOSITORY / "cms" / "settings" / "production.py").read_text()
    written = stack.environment_file(CONFIG)
    for name in set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_]+)"', production)):
        assert f"{name}=" in written, name


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_rendered_configuration(stack, tmp_path):
    for folder in ("nginx/temp", "logs", "tls", "site"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    stack.self_signed_certificate()
    conf = stack.rendered((REPOSITORY / "deploy" / "nginx" / "gongshi.conf").read_text(), CONFIG)
    (tmp_path / "nginx" / "gongshi.conf").write_text(conf)
    (tmp_path / "nginx" / "nginx.conf").write_text(stack.nginx_main_config(CONFIG))
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path / "nginx"), "-c", str(tmp_path / "nginx" / "nginx.conf"),
         "-e", str(tmp_path / "logs" / "error.log")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr
