"""What a build learnt from each content file, kept for the next build in the same site
directory: the checked document, its body and the body's sanitised HTML, keyed by the
file's path under content/ and a hash of its bytes.

A warm build then reads and hashes every file but parses, checks and converts only the
ones that changed. The cache can only save work, never change output: an entry is used
only when the file's bytes are the same, the whole cache is dropped when the code that
reads, checks or converts content (or the markdown and nh3 versions) changes, and a
cache that cannot be read is ignored and written afresh. Cross-file checks always run.

The file is written with marshal (plain values only: it cannot run code when read,
unlike pickle) to a temporary name, then renamed over the old one.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from importlib import metadata
from pathlib import Path

from gongshi import contract

logger = logging.getLogger(__name__)

FILE_NAME = "content.marshal"
_PACKAGE = Path(__file__).resolve().parent
_CODE = [
    _PACKAGE / "cache.py",
    _PACKAGE / "reader.py",
    _PACKAGE / "markup.py",
    *sorted(Path(contract.__file__).parent.glob("*.py")),
]


def code_version() -> str:
    """Changes whenever what a file is read into could change."""
    digest = hashlib.sha256()
    for path in _CODE:
        digest.update(path.read_bytes())
    for package in ("markdown", "nh3"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class ContentCache:
    """{relative path: (digest, document, body, body_html)} of the previous build."""

    def __init__(self, directory: Path | None):
        self.path = Path(directory) / FILE_NAME if directory else None
        self.version = code_version() if directory else ""
        self.previous: dict = self._load() if self.path else {}
        self.current: dict = {}
        self.hits = 0

    def _load(self) -> dict:
        try:
            with open(self.path, "rb") as handle:
                stored = marshal.load(handle)
            if stored.get("version") == self.version and isinstance(stored.get("files"), dict):
                return stored["files"]
            logger.info("Content cache %s is for other code: ignored", self.path)
        except FileNotFoundError:
            pass
        except Exception as error:  # a damaged cache only costs time
            logger.warning("Content cache %s unreadable (%s): ignored", self.path, error)
        return {}

    def get(self, name: str, digest: str):
        """(document, body, body_html) read from the same bytes last time, or None."""
        entry = self.previous.get(name)
        if not isinstance(entry, tuple) or len(entry) != 4 or entry[0] != digest:
            return None
        self.hits += 1
        return entry[1], entry[2], entry[3]

    def put(self, name: str, digest: str, document: dict, body: str, body_html: str) -> None:
        self.current[name] = (digest, document, body, body_html)

    def save(self) -> None:
        """Replace the stored cache with what this build read (files gone are dropped)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}")
        try:
            with open(temporary, "wb") as handle:
                marshal.dump({"version": self.version, "files": self.current}, handle)
            os.replace(temporary, self.path)
        except (OSError, ValueError) as error:
            logger.warning("Content cache not saved to %s: %s", self.path, error)
            temporary.unlink(missing_ok=True)
