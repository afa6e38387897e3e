"""Audit a published site's log without trusting its server (standard library + PyNaCl).

    python -m gongshi.record.verify https://site/ [--key BASE64] [--head saved-head.json]
                                              [--page /notices/12/ ...] [--save-head new.json]

It downloads the signed tree head and every entry, and checks:
- the head's signature (against --key if given: the key printed on the site, or saved);
- that the entries make exactly the signed tree (nothing added, removed or changed);
- with --head, that a head saved earlier is a prefix of today's (RFC 9162 consistency
  proof): nothing logged then was rewritten since;
- with --page, that the item's proofs include its entries in a signed head consistent with
  today's, and that its published document (document.md) has the SHA-256 its latest entry
  logged.
The site may also be a directory (a mirror). Exit status 0 when everything verifies.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from . import heads

PAGE_SIZE = 1000


class Site:
    """The files of a site at a URL, or of a mirror in a directory."""

    def __init__(self, base: str):
        self.base = base if base.endswith("/") else base + "/"

    def get(self, path: str) -> bytes:
        relative = path.lstrip("/")
        if "://" not in self.base:
            return (Path(self.base) / relative).read_bytes()
        url = urllib.parse.urljoin(self.base, relative)
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    def json(self, path: str):
        return json.loads(self.get(path))


def load_log(site: Site) -> tuple[dict, list[bytes]]:
    head = site.json("/record/head.json")
    entries: list[bytes] = []
    for number in range((head["size"] + PAGE_SIZE - 1) // PAGE_SIZE):
        entries.extend(text.encode() for text in site.json(f"/record/entries/{number}.json"))
    return head, entries


def check_page(site: Site, url: str, head: dict, entries: list[bytes]) -> str:
    """Check one item's record and document; returns a line saying what it proves."""
    url = "/" + url.strip("/") + "/"
    record = site.json(url + "record.json")
    proof_head = record["head"]
    heads.check_signature(proof_head, head["public_key"])
    heads.check_consistency(proof_head, head, entries)
    for item in record["entries"]:
        data = item["entry"].encode()
        heads.check_inclusion(data, item["index"], item["proof"], proof_head)
        if item["index"] >= len(entries) or entries[item["index"]] != data:
            raise heads.RecordInvalid(f"{url} 的第 {item['index']} 条记录与公开记录不同")
    last = json.loads(record["entries"][-1]["entry"])
    if last["event"] in ("withdraw", "unpublish"):
        reason = f"，原因：{last['reason']}" if last["reason"] else ""
        return f"{url}：已于 {last['time']} 停止公开{reason}；当时公开的内容摘要 {last['sha256']}"
    digest = heads.sha256_hex(site.get(url + "document.md"))
    if digest != last["sha256"]:
        raise heads.RecordInvalid(
            f"{url} 的原文与记录不符：原文摘要 {digest}，第 {last['index']} 条记录为 {last['sha256']}"
        )
    return f"{url}：原文与第 {last['index']} 条记录（{heads.EVENTS[last['event']]}，{last['time']}）相符"


ROTATION = re.compile(r"新公钥 (?P<new>\S+)；原公钥 (?P<old>\S+) 的签名 (?P<signature>\S+)")


def follow_rotations(saved_head: dict, head: dict, entries: list[bytes]) -> None:
    """The key changed since `saved_head`: each rotation logged after it must be endorsed
    by the key before it, from the saved head's key to the current one."""
    key = saved_head["public_key"]
    for data in entries[saved_head["size"] : head["size"]]:
        entry = json.loads(data)
        if entry["event"] != "key_rotation":
            continue
        found = ROTATION.fullmatch(entry["reason"])
        if found is None or found["old"] != key:
            raise heads.RecordInvalid(f"第 {entry['index']} 条更换密钥记录不是由原密钥发起的")
        try:
            VerifyKey(base64.b64decode(key)).verify(
                found["new"].encode(), base64.b64decode(found["signature"])
            )
        except (BadSignatureError, ValueError) as error:
            raise heads.RecordInvalid(f"第 {entry['index']} 条更换密钥记录的签名无效") from error
        key = found["new"]
    if key != head["public_key"]:
        raise heads.RecordInvalid("签名公钥已变，但公开记录中没有原密钥签署的更换记录")


def verify(
    base: str,
    key: str | None = None,
    saved_head: dict | None = None,
    pages: list[str] = (),
) -> tuple[dict, list[str]]:
    """Everything the command checks; returns the current head and the report's lines.
    Raises heads.RecordInvalid at the first thing that does not verify."""
    site = Site(base)
    head, entries = load_log(site)
    if key and key != head["public_key"]:
        raise heads.RecordInvalid("树头的公钥不是给定的公钥")
    heads.check_log(entries, head, key)
    lines = [
        f"签名有效：公钥指纹 {heads.key_fingerprint(head['public_key'])}",
        f"记录 {head['size']} 条，树根 {head['root']}，最新一条记于 {head['time']}",
    ]
    if saved_head is not None:
        heads.check_signature(saved_head)
        if saved_head["public_key"] != head["public_key"]:
            follow_rotations(saved_head, head, entries)
            lines.append("签名密钥已更换：公开记录中有原密钥签署的更换记录")
        heads.check_consistency(saved_head, head, entries)
        lines.append(
            f"一致：保存的树头（{saved_head['size']} 条，{saved_head['time']}）是当前记录的前缀"
        )
    for url in pages:
        lines.append(check_page(site, url, head, entries))
    return head, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="核对质量奖公示网站的公开记录")
    parser.add_argument("site", help="网站地址（或镜像目录）")
    parser.add_argument("--key", help="网站公布的签名公钥（Base64）")
    parser.add_argument("--head", type=Path, help="以前保存的签名树头（JSON 文件）")
    parser.add_argument("--page", action="append", default=[], help="要核对原文的页面网址")
    parser.add_argument("--save-head", type=Path, help="把当前签名树头保存到此文件")
    options = parser.parse_args(argv)
    saved = json.loads(options.head.read_text(encoding="utf-8")) if options.head else None
    try:
        head, lines = verify(options.site, options.key, saved, options.page)
    except (heads.RecordInvalid, OSError, ValueError, KeyError) as error:
        print(f"核对失败：{error}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    if options.save_head:
        options.save_head.write_text(
            json.dumps(head, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        print(f"当前树头已保存到 {options.save_head}")
    print("核对通过。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
