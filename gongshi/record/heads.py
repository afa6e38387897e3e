"""Log entries and signed tree heads as bytes: what is hashed, what is signed, and the
checks a reader makes on them. Django-free (see the package docstring).

An entry is a JSON object written canonically (keys sorted, no spaces, UTF-8): the exact
bytes of its Merkle leaf, stored and published as they were first written. A tree head is
{"size", "root", "time"}; its signature is Ed25519 (PyNaCl) over the canonical bytes of
those three fields, with the public key in base64.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from . import merkle

# What an entry says happened to what the public sees.
EVENTS = {
    "publish": "首次发布",
    "correct_major": "重大更正",
    "correct_minor": "一般更正",
    "unpublish": "停止公开",
    "withdraw": "撤回（说明原因）",
    "revoke": "撤销奖项",
    "period_open": "公示期开始",
    "period_close": "公示期结束",
    "key_rotation": "更换签名密钥",
}
ENTRY_FIELDS = ("index", "time", "event", "url", "kind", "sha256", "reason")
HEAD_FIELDS = ("size", "root", "time")


class RecordInvalid(Exception):
    """The log, a head or an entry does not verify; the message says which and why."""


def canonical(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_bytes(entry: dict) -> bytes:
    missing = [name for name in ENTRY_FIELDS if name not in entry]
    if missing:
        raise RecordInvalid(f"记录条目缺少字段：{'、'.join(missing)}")
    if entry["event"] not in EVENTS:
        raise RecordInvalid(f"记录条目的事件未知：{entry['event']}")
    return canonical(entry)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def head_bytes(head: dict) -> bytes:
    return canonical({name: head[name] for name in HEAD_FIELDS})


def public_key_text(key: SigningKey | VerifyKey) -> str:
    verify_key = key.verify_key if isinstance(key, SigningKey) else key
    return base64.b64encode(bytes(verify_key)).decode()


def key_fingerprint(public_key: str) -> str:
    """A short name of a public key, as printed on the site: SHA-256 of its bytes, 16 hex."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def sign_head(key: SigningKey, size: int, root: bytes, time: str) -> dict:
    head = {"size": size, "root": root.hex(), "time": time}
    signature = key.sign(head_bytes(head)).signature
    return head | {
        "public_key": public_key_text(key),
        "signature": base64.b64encode(signature).decode(),
    }


def check_signature(head: dict, public_key: str | None = None) -> None:
    """The head is signed by `public_key` (by default the key it names). Raises RecordInvalid."""
    try:
        key = VerifyKey(base64.b64decode(public_key or head["public_key"]))
        key.verify(head_bytes(head), base64.b64decode(head["signature"]))
    except (BadSignatureError, KeyError, ValueError, TypeError) as error:
        raise RecordInvalid(f"树头签名无效（大小 {head.get('size')}）") from error


def check_log(
    entries: Sequence[bytes],
    head: dict,
    public_key: str | None = None,
    checked: int = 0,
    tree: merkle.Tree | None = None,
) -> merkle.Tree:
    """The entries are numbered 0, 1, ... and make the tree the signed `head` describes.
    `checked`: the entries before it were checked already, as a head this one extends
    (check_consistency, with the tree returned): only the later ones are parsed. `tree`:
    the tree of `entries`, if the caller has it (extended from a checked one)."""
    check_signature(head, public_key)
    for number in range(checked, len(entries)):
        data = entries[number]
        try:
            entry = json.loads(data)
        except ValueError as error:
            raise RecordInvalid(f"第 {number} 条记录不是 JSON") from error
        if entry.get("index") != number or entry_bytes(entry) != data:
            raise RecordInvalid(f"第 {number} 条记录的序号或格式不对")
    if tree is None or tree.size != len(entries):
        tree = merkle.Tree.of_entries(entries)
    if tree.size != head["size"] or tree.root().hex() != head["root"]:
        raise RecordInvalid(
            f"记录条目与签名树头不符：{tree.size} 条，树头称 {head['size']} 条；记录被改动"
        )
    return tree


def check_consistency(
    old: dict, new: dict, entries: Sequence[bytes], tree: merkle.Tree | None = None
) -> None:
    """A saved older head is a prefix of the current log: the RFC 9162 consistency proof,
    computed from the published entries (or the leaves of their `tree`), verified against
    both signed roots."""
    old_size, new_size = old["size"], new["size"]
    if old_size > new_size:
        raise RecordInvalid(
            f"保存的树头（{old_size} 条）比当前记录（{new_size} 条）还长：记录被截短"
        )
    if old_size == 0:
        return
    if tree is not None and tree.size == new_size:
        proof = tree.consistency_proof(old_size) if old_size < new_size else []
    else:
        leaves = [merkle.leaf_hash(entry) for entry in entries[:new_size]]
        proof = merkle.consistency_proof(leaves, old_size) if old_size < new_size else []
    try:
        merkle.verify_consistency(
            old_size, new_size, bytes.fromhex(old["root"]), bytes.fromhex(new["root"]), proof
        )
    except merkle.ProofInvalid as error:
        raise RecordInvalid(str(error)) from error


def check_inclusion(entry: bytes, index: int, proof: Sequence[str], head: dict) -> None:
    try:
        merkle.verify_inclusion(
            merkle.leaf_hash(entry),
            index,
            head["size"],
            [bytes.fromhex(p) for p in proof],
            bytes.fromhex(head["root"]),
        )
    except merkle.ProofInvalid as error:
        raise RecordInvalid(f"第 {index} 条记录的包含证明无效：{error}") from error
