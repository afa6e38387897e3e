"""Building the index beside the rest of a site build: in a child process, or from a
file of records.

Analysing and writing the index is most of its cost and needs nothing but the records
and the side files, so a build can hand them over and go on rendering pages:

    running = build.start(engine.build, directory, records, extra)  # a forked child
    ...render pages...
    count = running.wait()   # what engine.build returned; raises if the child failed

(site/plugins/gongshi_site/search_records.py's start_index_build forks before even
making the records: the child gets the site's model as it is.)

or write them to a file and build elsewhere (another process, another machine):

    build.save(path, records, extra)
    python -m cms.search.build RECORDS DIRECTORY

The forked child reads the parent's records without copying them (copy on write) and
writes the same index engine.build writes; a failure is raised by wait(), so the build
fails and `live` stays where it was.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import sys
import traceback
from pathlib import Path

from . import engine
from .documents import Record


def save(path: Path, records: list[Record], extra: dict[str, object]) -> None:
    """Write records and side files for build_from_file (a pickle: the file is made and
    read by the same code, never taken from outside)."""
    with open(path, "wb") as file:
        pickle.dump((list(records), extra), file, protocol=pickle.HIGHEST_PROTOCOL)


def build_from_file(path: Path, directory: Path) -> int:
    with open(path, "rb") as file:
        records, extra = pickle.load(file)
    return engine.build(Path(directory), records, extra)


class Running:
    """A function running in a child process."""

    def __init__(self, process, receive):
        self._process = process
        self._receive = receive

    def wait(self):
        """What the function returned, once the child is done; RuntimeError with the
        child's traceback if it failed."""
        try:
            outcome = self._receive.recv()
        except EOFError:
            outcome = ("error", "the index build process ended without an answer")
        self._process.join()
        self._receive.close()
        kind, value = outcome
        if kind == "error" or self._process.exitcode != 0:
            raise RuntimeError(f"search index build failed:\n{value}")
        return value


def start(function, *args) -> Running:
    """Start function(*args) (engine.build, or a build's whole index step) in a forked
    child and return at once; its result must pickle."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, function, args), name="search-index")
    process.start()
    send.close()
    return Running(process, receive)


def _child(send, function, args) -> None:
    try:
        outcome = ("ok", function(*args))
    except BaseException:
        outcome = ("error", traceback.format_exc())
    send.send(outcome)
    send.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the search index from a records file.")
    parser.add_argument("records", type=Path, help="written by cms.search.build.save")
    parser.add_argument("directory", type=Path, help="the index directory (must not exist)")
    arguments = parser.parse_args(argv)
    count = build_from_file(arguments.records, arguments.directory)
    print(f"{count} records indexed in {arguments.directory}", file=sys.stderr)


if __name__ == "__main__":
    main()
