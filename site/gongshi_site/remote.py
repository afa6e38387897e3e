"""Build the public site on a machine away from the CMS, from its public read API.

    python -m gongshi_site.remote --cms-url https://cms.example.gov.cn --site-dir var/site
                                    [--record-key BASE64]

No Django: it needs the repository and its Python packages, not the CMS's database. Every
document is checked against the contract as it arrives and every attachment against its
SHA-256, so a tampered or broken response fails the build and the live site stays.

The publication log comes too (`/api/v2/record/`): its signed head and every entry, checked
as the verifier checks them (gongshi/record) before anything is built: the entries must make
the signed root, the signature must be the expected key's (--record-key or
GONGSHI_RECORD_PUBLIC_KEY, the key the CMS's site prints; else the key of the head this
site published last, a change of key accepted only through a rotation the log records;
on a first build without a key, the head's own, whose fingerprint is printed), and the
head this site published last must be a prefix of the new one. A log that does not verify
fails the build: the live site stays as it was (ADR 0031).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from gongshi import contract
from gongshi.record import heads
from gongshi.record import verify as record_verify

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


RECORD_PAGE_SIZE = 1000  # entries per page, as cms.recordlog.export writes them
ATTEMPTS = 3  # a publish between reading the content and the log: read both again


def write_site_content(
    cms_url: str,
    directory: Path,
    fetch: Fetch = http_fetch,
    *,
    public_key: str | None = None,
    previous_head: dict | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> int:
    """The content and the publication log into a build's content/ `directory`; returns
    the item count. Raises atomic.BuildFailed if the log does not verify."""
    base = cms_url.rstrip("/") + "/api/v2/record/"
    for _attempt in range(ATTEMPTS):
        before = _fetch_json(fetch, base + "head.json")
        count = write_from_api(cms_url, directory, fetch)
        head = _fetch_json(fetch, base + "head.json")
        if head.get("size") == before.get("size"):
            break
        for child in Path(directory).iterdir():  # published meanwhile: read it all again
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    else:
        raise atomic.BuildFailed("CMS 一直在发布新内容，内容与公开记录无法取得一致，请稍后再试")
    pages = []
    for number in range((head.get("size", 0) + RECORD_PAGE_SIZE - 1) // RECORD_PAGE_SIZE):
        pages.append(fetch(f"{base}entries/{number}.json"))
    try:
        entries = [text.encode() for page in pages for text in json.loads(page)]
        check_record(head, entries, public_key, previous_head, report)
    except (heads.RecordInvalid, ValueError, KeyError, TypeError) as invalid:
        raise atomic.BuildFailed(f"公开记录校验失败，站点未发布：{invalid}") from invalid
    record = Path(directory) / "record"
    (record / "entries").mkdir(parents=True, exist_ok=True)
    (record / "head.json").write_bytes(_compact(head))
    for number, page in enumerate(pages):
        (record / "entries" / f"{number}.json").write_bytes(page)
    return count


def check_record(
    head: dict,
    entries: list[bytes],
    public_key: str | None,
    previous_head: dict | None,
    report: Callable[[str], None],
) -> None:
    """What the verifier checks of a log, on the log read from the API. Raises
    heads.RecordInvalid."""
    if public_key is None and previous_head is not None:
        heads.check_signature(previous_head)
        if previous_head["public_key"] != head["public_key"]:
            record_verify.follow_rotations(previous_head, head, entries)
        public_key = head["public_key"]
    elif public_key is None:
        report(
            "首次构建且未给出公钥：采用 CMS 树头所示公钥，指纹 "
            f"{heads.key_fingerprint(head['public_key'])}，请与 CMS 公布的公钥核对"
        )
    elif public_key != head["public_key"]:
        raise heads.RecordInvalid("CMS 树头的签名公钥不是给定的公钥")
    tree = heads.check_log(entries, head, public_key)
    if previous_head is not None:
        heads.check_consistency(previous_head, head, entries, tree)


def _fetch_json(fetch: Fetch, url: str) -> dict:
    try:
        value = json.loads(fetch(url))
    except ValueError as error:
        raise atomic.BuildFailed(f"CMS 的公开记录接口返回的不是 JSON：{url}") from error
    if not isinstance(value, dict):
        raise atomic.BuildFailed(f"CMS 的公开记录接口返回的格式不对：{url}")
    return value


def _compact(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _live_head(site_dir: Path) -> dict | None:
    live = atomic.live_output(site_dir)
    path = live.parent / "content" / "record" / "head.json" if live else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从 CMS 的公开接口构建公开站点。")
    parser.add_argument(
        "--cms-url", required=True, help="CMS 的地址，例如 https://cms.example.gov.cn"
    )
    parser.add_argument("--site-dir", type=Path, default=Path("var/site"))
    parser.add_argument("--settings", type=Path, default=atomic.PELICAN_SETTINGS)
    parser.add_argument(
        "--record-key",
        default=os.environ.get("GONGSHI_RECORD_PUBLIC_KEY") or None,
        help="公开记录的签名公钥（Base64，CMS 的“公开记录”页面所示）",
    )
    arguments = parser.parse_args(argv)
    previous = _live_head(arguments.site_dir)

    def write(directory: Path) -> int:
        return write_site_content(
            arguments.cms_url,
            directory,
            public_key=arguments.record_key,
            previous_head=previous,
            report=print,
        )

    try:
        result = atomic.build_site(arguments.site_dir, write, settings_file=arguments.settings)
    except atomic.BuildFailed as failure:
        print(f"构建失败，公开站点保持不变：{failure}", file=sys.stderr)
        return 1
    print(f"已构建 {result.item_count} 个条目，用时 {result.seconds:.1f} 秒：{result.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
