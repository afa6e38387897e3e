"""A new build made of the previous build's files, written without changing them.

An incremental build (incremental.py) starts from a copy of the live build whose files
are hard links to the live build's (or, for a shared tree, whose directories are the
live build's: shared_dirs.py). The public site serves the live build until the swap, so
a file is replaced by unlinking it first and writing a new one, never by writing through
the link, and a directory the live build shares is made the new build's own before
anything is written in it. The files written or removed are noted for what is derived
from them after the build (the web server's .gz copies: atomic.compress_all).
"""

from __future__ import annotations

import os
from pathlib import Path

from pelican.utils import sanitised_join
from pelican.writers import Writer

from . import shared_dirs


def link_tree(source: Path, target: Path) -> int:
    """`target` as a copy of `source` that shares its files: a shared tree (a build's
    output, shared_dirs.py) is forked, its top's entries linked; any other tree (content/)
    is copied as hard links, file by file. Returns the number of entries made."""
    if shared_dirs.is_shared(source):
        return shared_dirs.fork(source, target)
    count = 0
    source = str(source)
    prefix = len(source) + 1
    for directory, _subdirectories, files in os.walk(source):
        destination = os.path.join(str(target), directory[prefix:])
        os.makedirs(destination, exist_ok=True)
        for name in files:
            os.link(os.path.join(directory, name), os.path.join(destination, name))
            count += 1
    return count


_touched: set[str] = set()


def start_noting_touched() -> set[str]:
    """A new, empty set of the files written or removed, filled from now on (a new one:
    the previous update's report keeps its own)."""
    global _touched
    _touched = set()
    return _touched


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` as a new file: unlink first, as `path` may be a hard link into the
    previous build (and its directory one the previous build shares: made this build's
    own first)."""
    _touched.add(str(path))
    shared_dirs.writable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def remove_file(path: Path, root: Path) -> None:
    _touched.add(str(path))
    shared_dirs.remove(path, root)


class UnlinkingWriter(Writer):
    """Pelican's writer, unlinking each file before writing it (see replace_file)."""

    def write_file(self, name, *arguments, **keywords):
        # Before Pelican makes the file's directory: not inside a shared one.
        shared_dirs.writable(Path(sanitised_join(self.output_path, name)))
        return super().write_file(name, *arguments, **keywords)

    def _open_w(self, filename, encoding, override=False):
        _touched.add(str(filename))
        try:
            os.unlink(filename)
        except FileNotFoundError:
            pass
        return super()._open_w(filename, encoding, override)
