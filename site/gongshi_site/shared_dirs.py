"""Builds whose unchanged directories are shared with the build before, not copied.

Pelican writes a full build's output as a plain tree; before the swap, the whole tree is
moved into the site directory's store of directories with one rename, and a new top
takes its place (share()):

    <site dir>/builds/<name>/output/        a real directory: the top-level files, and a
                                            symlink per top-level directory
    <site dir>/builds/<name>/output.dirs    the store directories the tree links, one a
                                            line (what pruning keeps; the real
                                            directories inside them are the tree's too)
    <site dir>/dirs/<full build>/...        a full build's tree as Pelican wrote it
    <site dir>/dirs/<build>/<n>/            a directory a publish made: its files, and a
                                            symlink per subdirectory (`../../<key>`)

A publish forks the live tree (fork(): a new top directory, its files hard-linked and its
symlinks copied: a few dozen entries, not tens of thousands of files; the worker forks
the next one after each publish, with the directories that publish wrote in made its own
ahead: make_own()). A store directory
never changes once a build that uses it exists: before a file is written or removed in
the new tree, every directory on the way to it that the tree still shares is
materialised (writable()): a new store directory made by this build, with hard links to
the old one's files and copies of its symlinks, to which the (already materialised)
parent's entry is pointed. A publish costs the entries of the directories it changes
(the one symlink per notice of /notices/, a notice's few files), whatever the size of the
rest of the tree, and the previous build stays exactly as it was: rollback is a swap of
`live` back to it.

Pruning (collect()) deletes a store directory when no kept build lists it: a directory
made by a dropped build stays as long as a kept build still shares it. Web servers and
readers follow the symlinks (nginx does by default); code that walks a tree uses
files() (os.walk does not descend into symlinked directories unless told to).
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

STORE = "dirs"  # <site dir>/dirs
SUFFIX = ".dirs"  # <tree>.dirs beside a shared tree: the store directories it uses


class NotShareable(Exception):
    """A shared tree holds a real directory below its top: it was written around
    writable(), and forking it would share a directory its build still owns."""


@dataclass
class _Fork:
    """A tree being built: its top, the store, and the store directories it uses."""

    root: str
    store: str
    creator: str
    references: set[str]
    numbers: Iterator[int] = field(default_factory=itertools.count)
    written: set[str] = field(default_factory=set)  # directories written in, from the top

    def new_directory(self) -> tuple[str, str]:
        """A new, empty store directory of this build: (its key, its path)."""
        key = f"{self.creator}/{next(self.numbers)}"
        path = os.path.join(self.store, key)
        os.mkdir(path)
        self.references.add(key)
        return key, path

    def key_of(self, path: str) -> str:
        return path[len(self.store) + 1 :]


_forks: dict[str, _Fork] = {}  # the trees being built in this process, by their top


def is_shared(tree: Path) -> bool:
    return Path(str(tree) + SUFFIX).is_file()


def is_complete(tree: Path) -> bool:
    """Whether a build's output is one to keep: its home page, and for a forked tree its
    `.dirs` list, written last (a publish killed midway leaves a forked top without it)."""
    tree = Path(tree)
    if not (tree / "index.html").is_file():
        return False
    if is_shared(tree):
        return True
    with os.scandir(tree) as entries:
        return not any(entry.is_symlink() for entry in entries)


def store_of(tree: Path) -> Path:
    """<site dir>/dirs for <site dir>/builds/<name>/output (and spare/<name>/output)."""
    return Path(tree).parent.parent.parent / STORE


def share(tree: Path) -> int:
    """Make `tree` (a plain tree, just built) shared: the whole tree moved into the store
    with one rename, as <store>/<creator>/, and a new top in its place with hard links to
    its top-level files and a symlink per top-level directory; writes `<tree>.dirs`.
    Returns the number of directories linked."""
    tree = Path(tree)
    store = store_of(tree)
    creator = tree.parent.name
    os.makedirs(store, exist_ok=True)
    moved = store / creator
    os.rename(tree, moved)
    os.mkdir(tree)
    fork = _Fork(os.path.abspath(tree), os.path.abspath(store), creator, set())
    with os.scandir(moved) as entries:
        for entry in entries:
            target = os.path.join(tree, entry.name)
            if entry.is_dir(follow_symlinks=False):
                key = f"{creator}/{entry.name}"
                os.symlink(_link_text(fork, key, str(tree)), target)
                fork.references.add(key)
            else:
                os.link(entry.path, target)
    _write_references(fork)
    return len(fork.references)


def _link_text(fork: _Fork, key: str, top: str | None) -> str:
    """The symlink to store directory `key` from the tree's top (`top`) or from a
    directory a fork made (None, <store>/<creator>/<n>): relative, so that the site
    directory can move."""
    if top is not None:
        return os.path.relpath(os.path.join(fork.store, key), top)
    return os.path.join("..", "..", key)


def fork(previous: Path, tree: Path) -> int:
    """Start `tree` as a copy of the shared tree `previous`: its top's files hard-linked,
    its symlinks copied. Returns the number of entries."""
    previous, tree = Path(previous), Path(tree)
    store = store_of(previous)
    if os.path.abspath(store_of(tree)) != os.path.abspath(store):
        raise ValueError(f"{tree} is not beside {previous}")
    references = set(Path(str(previous) + SUFFIX).read_text(encoding="utf-8").split())
    os.makedirs(tree)
    count = 0
    with os.scandir(previous) as entries:
        for entry in entries:
            target = os.path.join(tree, entry.name)
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.is_dir():
                raise NotShareable(entry.path)
            else:
                os.link(entry.path, target)
            count += 1
    creator = tree.parent.name
    os.makedirs(os.path.join(store, creator), exist_ok=True)
    _forks[os.path.abspath(tree)] = _Fork(
        os.path.abspath(tree), os.path.abspath(store), creator, references
    )
    return count


def finish(tree: Path) -> list[str]:
    """The tree is complete: write `<tree>.dirs` (before the swap: pruning reads it), and
    return the directories files were written or removed in (relative to the top). A
    tree that was not forked (a copy of a plain tree, made before shared_dirs.py) is
    shared now, so the builds after it are forked."""
    fork = _forks.pop(os.path.abspath(tree), None)
    if fork is not None:
        _write_references(fork)
        return sorted(fork.written)
    if not is_shared(tree):
        share(tree)
    return []


def make_own(tree: Path, directories: list[str]) -> None:
    """Materialise ahead those of `directories` (relative to the top of a forked tree)
    that exist in it: the ones the last publish changed, made while no one waits, as the
    next publish most likely changes them again (/notices/ gains every new notice)."""
    fork = _forks[os.path.abspath(tree)]
    for directory in directories:
        _materialise(fork, os.path.join(fork.root, directory), create=False)


def moved(old: Path, new: Path) -> None:
    """A forked tree was renamed (the spare copy taken by a publish), at the same depth."""
    fork = _forks.pop(os.path.abspath(old))
    fork.root = os.path.abspath(new)
    _forks[fork.root] = fork


def forget(tree: Path) -> None:
    """A failed build's tree: its store directories go with it (pruning would find them
    unused anyway)."""
    fork = _forks.pop(os.path.abspath(tree), None)
    if fork is not None:
        _remove_tree(os.path.join(fork.store, fork.creator))


def _write_references(fork: _Fork) -> None:
    data = "\n".join(sorted(fork.references)) + "\n"
    partial = fork.root + SUFFIX + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(data)
    os.replace(partial, fork.root + SUFFIX)


def _fork_of(path: str) -> _Fork | None:
    for root, fork in _forks.items():
        if path.startswith(root + os.sep):
            return fork
    return None


def writable(path: Path) -> None:
    """Make the directory of `path` (a file in a tree being built) one that this build
    owns, so that writing or removing `path` changes no other build. Nothing to do in a
    plain tree."""
    fork = _fork_of(os.path.abspath(path))
    if fork is not None:
        _materialise(fork, _written_in(fork, path))


def _written_in(fork: _Fork, path: Path) -> str:
    directory = os.path.dirname(os.path.abspath(path))
    fork.written.add(directory[len(fork.root) + 1 :])
    return directory


def _materialise(fork: _Fork, directory: str, create: bool = True) -> str | None:
    """The store directory (or the top) that `directory` of the tree is, made by this
    build: every shared directory on the way copied, and missing ones made (or, unless
    `create`, None at the first one missing)."""
    current = fork.root
    relative = directory[len(fork.root) + 1 :] if directory != fork.root else ""
    for part in filter(None, relative.split(os.sep)):
        entry = os.path.join(current, part)
        if not create and not os.path.lexists(entry):
            return None
        top = fork.root if current == fork.root else None
        if os.path.islink(entry):
            old = os.path.normpath(os.path.join(current, os.readlink(entry)))
            old_key = fork.key_of(old)
            if old_key.startswith(fork.creator + "/"):
                current = old  # made by this build already
                continue
            key, new = fork.new_directory()
            _copy_entries(fork, old_key, old, new)
            os.unlink(entry)
            os.symlink(_link_text(fork, key, top), entry)
            fork.references.discard(old_key)
            current = new
        elif os.path.isdir(entry):
            raise NotShareable(entry)
        else:
            key, new = fork.new_directory()
            os.symlink(_link_text(fork, key, top), entry)
            current = new
    return current


def _copy_entries(fork: _Fork, key: str, source: str, target: str) -> None:
    """Fill the new directory `target` from `source` (store directory `key`): files
    hard-linked, symlinks copied, and a symlink to each real subdirectory (a full
    build's tree holds its directories as they were written)."""
    with os.scandir(source) as entries:
        for entry in entries:
            destination = os.path.join(target, entry.name)
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), destination)
            elif entry.is_dir():
                child = f"{key}/{entry.name}"
                os.symlink(_link_text(fork, child, None), destination)
                fork.references.add(child)
            else:
                os.link(entry.path, destination)


def remove(path: Path, root: Path) -> bool:
    """Remove the file `path` and the directories it leaves empty, up to `root`; False
    if there was no such file."""
    if not os.path.lexists(path):
        return False
    fork = _fork_of(os.path.abspath(path))
    if fork is not None:
        _materialise(fork, _written_in(fork, path))
    os.unlink(path)
    parent = Path(path).parent
    while parent != Path(root) and _empty(parent):
        if fork is not None and parent.is_symlink():
            directory = os.path.normpath(os.path.join(parent.parent, os.readlink(parent)))
            parent.unlink()
            os.rmdir(directory)
            fork.references.discard(fork.key_of(directory))
        else:
            parent.rmdir()
        parent = parent.parent
    return True


def _empty(directory: Path) -> bool:
    with os.scandir(directory) as entries:
        return next(entries, None) is None


# --- Reading a tree ----------------------------------------------------------------------


def files(root: Path) -> Iterator[Path]:
    """Every file under `root`, shared directories followed, in a stable order."""
    for directory, subdirectories, names in os.walk(root, followlinks=True):
        subdirectories.sort()
        for name in sorted(names):
            yield Path(directory, name)


def used_by(tree: Path) -> set[str]:
    """The store directories a tree links (the real directories inside them are its
    too): its `.dirs` list, or found by walking it."""
    listed = Path(str(tree) + SUFFIX)
    if listed.is_file():
        return set(listed.read_text(encoding="utf-8").split())
    with os.scandir(tree) as entries:
        if not any(entry.is_symlink() for entry in entries):
            return set()  # a plain tree
    store = os.path.realpath(store_of(tree))
    found = set()
    for directory, _subdirectories, _names in os.walk(tree, followlinks=True):
        real = os.path.realpath(directory)
        if real.startswith(store + os.sep):
            found.add(real[len(store) + 1 :])
    return found


# --- Pruning -----------------------------------------------------------------------------


def collect(site_dir: Path, trash: Path, dropped: list[Path]) -> int:
    """Move to `trash` the store directories the `dropped` builds (already in the trash)
    used and no build left in <site dir>/builds uses, and everything of a creator no
    kept build uses at all (a killed or failed build's); under the site lock, after
    pruning. A build uses the directories its `.dirs` lists and the real directories
    inside them (a full build's tree). Returns how many were moved."""
    store = Path(site_dir) / STORE
    if not store.is_dir():
        return 0
    # Listed before the spares: a copy being prepared makes its directory under spare/
    # before its first store directory.
    creators = sorted(os.listdir(store))
    builds = [build for build in (Path(site_dir) / "builds").iterdir() if build.is_dir()]
    kept = {build.name for build in builds}
    # A copy being prepared for the next publish (<site dir>/spare/<name>/output), outside
    # the site lock: it links only what the live build uses, and its own directories.
    spares = Path(site_dir) / "spare"
    kept |= set(os.listdir(spares)) if spares.is_dir() else set()
    used: set[str] = set()
    for build in builds:
        if (build / "output").is_dir():
            used |= used_by(build / "output")
    bin_ = trash / f"{STORE}-{time.time_ns()}"
    moved = 0

    def throw(path: Path) -> None:
        nonlocal moved
        bin_.mkdir(parents=True, exist_ok=True)
        os.rename(path, bin_ / str(moved))
        moved += 1

    candidates: set[str] = set()
    for build in dropped:  # a build without its list (killed) goes with its creator below
        listed = build / f"output{SUFFIX}"
        if listed.is_file():
            candidates |= set(listed.read_text(encoding="utf-8").split())
    for key in sorted(candidates):
        parts = key.split("/")
        if any("/".join(parts[:n]) in used for n in range(2, len(parts) + 1)):
            continue
        path = store / key
        if path.is_dir() and not path.is_symlink():
            if not _drop(path, key, used, throw):
                _remove_empty_parents(path.parent, store)
    referenced = {key.split("/", 1)[0] for key in used}
    for creator in creators:
        if creator not in kept and creator not in referenced and (store / creator).exists():
            throw(store / creator)
    return moved


def _drop(path: Path, key: str, used: set[str], throw) -> bool:
    """Throw away the directory `path` (store key `key`) but the subdirectories a kept
    build uses; returns whether any was kept (then `path` stays, emptied of its files)."""
    kept_any = False
    with os.scandir(path) as entries:
        subdirectories = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    for name in subdirectories:
        child = f"{key}/{name}"
        if child in used:
            kept_any = True
        elif _drop(path / name, child, used, throw):
            kept_any = True
    if not kept_any:
        throw(path)
        return False
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_symlink() or not entry.is_dir():
                os.unlink(entry.path)
    return True


def _remove_empty_parents(directory: Path, store: Path) -> None:
    while directory != store and _empty(directory):
        directory.rmdir()
        directory = directory.parent


def _remove_tree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
