"""Build the public site on a machine away from the CMS, from its public read API.

    python -m gongshi_site.remote --cms-url https://cms.example.gov.cn --site-dir var/site

No Django: it needs the repository and its Python packages, not the CMS's database. Every
document is checked against the contract as it arrives and every attachment against its
SHA-256, so a tampered or broken response fails the build and the live site stays.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from gongshi import contract

from . import atomic

PAGE_SIZE = 100
Fetch = Callable[[str], bytes]


def http_fetch(url: str, timeout: float = 60) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def write_from_api(cms_url: str, directory: Path, fetch: Fetch = http_fetch) -> int:
    """Write every published item the CMS serves into `directory`; returns the count."""
    base = cms_url.rstrip("/") + "/api/v2/content/"
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise ValueError(f"CMS 地址应以 http:// 或 https:// 开头：{cms_url}")
    offset, count = 0, 0
    while True:
        page = json.loads(fetch(f"{base}?offset={offset}&limit={PAGE_SIZE}"))
        if page["meta"]["schema"] != contract.SCHEMA_VERSION:
            raise contract.ContractError(base, "schema", "CMS 的内容格式版本与本程序不同")
        for item in page["items"]:
            _write_item(item, directory, fetch)
            count += 1
        offset += len(page["items"])
        if not page["items"] or offset >= page["meta"]["total_count"]:
            return count


def _write_item(item: dict, directory: Path, fetch: Fetch) -> None:
    document = item["document"]
    path = contract.relative_path(document)
    if str(path) != item["path"]:
        raise contract.ContractError(item["path"], "path", f"应为 {path}")
    target = directory / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(contract.dump(document, item["body"], path=str(path)), encoding="utf-8")
    for attachment in document.get("attachments", []):
        destination = directory / attachment["file"]
        if destination.exists():
            continue
        url = item["downloads"].get(attachment["file"])
        if url is None:
            raise contract.ContractError(
                str(path), "attachments", f"缺少下载地址：{attachment['file']}"
            )
        data = fetch(url)
        if hashlib.sha256(data).hexdigest() != attachment["sha256"]:
            raise contract.ContractError(
                str(path), "attachments", f"{attachment['file']} 的 SHA-256 与记录不符"
            )
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从 CMS 的公开接口构建公开站点。")
    parser.add_argument(
        "--cms-url", required=True, help="CMS 的地址，例如 https://cms.example.gov.cn"
    )
    parser.add_argument("--site-dir", type=Path, default=Path("var/site"))
    parser.add_argument("--settings", type=Path, default=atomic.PELICAN_SETTINGS)
    arguments = parser.parse_args(argv)
    try:
        result = atomic.build_site(
            arguments.site_dir,
            lambda directory: write_from_api(arguments.cms_url, directory),
            settings_file=arguments.settings,
        )
    except atomic.BuildFailed as failure:
        print(f"构建失败，公开站点保持不变：{failure}", file=sys.stderr)
        return 1
    print(f"已构建 {result.item_count} 个条目，用时 {result.seconds:.1f} 秒：{result.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
