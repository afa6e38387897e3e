"""What a full build notes for the worker that publishes after it.

The worker's state (incremental.py) needs to know what each page read of the model and
which records the search index holds. Learning that by rendering every page again and
making every search record again cost about as much as the full build itself, so the
full build notes it as it goes, into the build's state directory beside its output
(GONGSHI_STATE_DIR, set by atomic.py for every build; unset, nothing is noted), and the
worker reads it (docs/adr/0009-incremental-publishing.md). The files hold plain values
written with marshal (reading one cannot run code). A file missing, damaged or of
another version only costs the worker time: what it would have said is made again.
"""

from __future__ import annotations

import logging
import marshal
import os
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

# Bumped when what the files hold changes: a file of another version is not read.
VERSION = 1
SUFFIX = ".marshal"


def keep(directory: Path, name: str, value) -> None:
    """Write `value` as the file `name` of `directory`, whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}{SUFFIX}"
    try:
        data = marshal.dumps({"version": VERSION, "value": value})
    except ValueError as error:  # a value marshal cannot keep: it only costs the worker time
        logger.warning("Not noted in %s: %s", path, error)
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    os.replace(partial, path)


def read(directory: Path | None, pattern: str) -> Iterator[tuple[str, object]]:
    """(name, value) of each readable file of this version in `directory` whose name
    matches `pattern` (a glob without the suffix), in name order."""
    if directory is None or not directory.is_dir():
        return
    for path in sorted(directory.glob(f"{pattern}{SUFFIX}")):
        try:
            kept = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError) as error:
            logger.warning("Noted file %s unreadable (%s): ignored", path, error)
            continue
        if isinstance(kept, dict) and kept.get("version") == VERSION:
            yield path.name.removesuffix(SUFFIX), kept["value"]
