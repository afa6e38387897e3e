"""The log's Ed25519 signing key: a file named by GONGSHI_RECORD_KEY_FILE, never in the
database, so neither a database dump nor a backup's archive carries it (docs/security.md).

A rotation keeps the retired key beside the new one (`<file>.retired-<n>`) and appends a
`key_rotation` entry naming the new public key, endorsed by the old key's signature: the
log itself says when the key changed and that the old key agreed.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from django.conf import settings
from nacl.signing import SigningKey

from gongshi.record import heads


class KeyMissing(Exception):
    pass


def key_file() -> Path:
    return Path(settings.GONGSHI_RECORD_KEY_FILE)


def load() -> SigningKey:
    path = key_file()
    try:
        return SigningKey(base64.b64decode(path.read_text().strip()))
    except FileNotFoundError:
        if settings.GONGSHI_RECORD_KEY_CREATE:
            try:
                return write_new(path)
            except FileExistsError:
                return load()
        raise KeyMissing(
            f"公开记录的签名密钥 {path} 不存在：请先运行 manage.py record_key init"
        ) from None


def write_new(path: Path | None = None) -> SigningKey:
    path = path or key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(bytes(key)).decode() + "\n")
    return key


def rotate() -> tuple[SigningKey, SigningKey]:
    """Retire the current key (kept beside it) and make a new one: (old, new)."""
    from . import appending

    old = load()
    path = key_file()
    number = 1
    while path.with_name(f"{path.name}.retired-{number}").exists():
        number += 1
    retired = path.with_name(f"{path.name}.retired-{number}")
    path.rename(retired)
    try:
        new = write_new(path)
        endorsement = old.sign(heads.public_key_text(new).encode()).signature
        appending.append(
            event="key_rotation",
            url="/record/",
            kind="key",
            sha256=heads.sha256_hex(bytes(new.verify_key)),
            reason=(
                f"新公钥 {heads.public_key_text(new)}；"
                f"原公钥 {heads.public_key_text(old)} 的签名 {base64.b64encode(endorsement).decode()}"
            ),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        retired.rename(path)
        raise
    return old, new
