"""The content of an incremental build: the last build's, with the changed files read again.

Reading content/ again would cost a full build's first phase. The worker keeps every file
as read (reader.Source), reads only the files a publish changed, checks them as the full
build does (each through the contract, then the checks across files), and names the model
items those files hold before and after the change, where the comparison of the model
starts (model_changes.py).
"""

from __future__ import annotations

from pathlib import Path

from gongshi.contract import ContractError, load

from .incremental_limits import FULL_BUILD_KINDS, NeedsFullBuild
from .rarechars import rare_characters
from .reader import HOME_FILE, Content, ContentInvalid, Source, cross_file_problems


class ContentAsRead:
    """The last build's content files as read, by path under content/."""

    def __init__(self):
        self.sources: dict[str, Source] | None = None

    def paths_of(self, old: Content, keys: set[tuple]) -> set[str]:
        """The paths under content/ of the files of the documents `keys`, (kind, id)."""
        self._know(old)
        return {
            name
            for name, source in self.sources.items()
            if (source.kind, source.document["id"]) in keys
        }

    def _know(self, old: Content) -> None:
        if self.sources is None:
            self.sources = {
                source.path.relative_to(old.path).as_posix(): source
                for sources in old.by_kind.values()
                for source in sources
            }

    def read_changes(self, old: Content, content_path: Path, changed: list[str]):
        """The content `old` with the changed files read again from `content_path`, and
        the keys of the items they hold (before and after)."""
        self._know(old)
        by_path = dict(self.sources)
        keys: set[tuple] = set()
        errors: list[ContractError] = []
        for name in changed:
            if name == HOME_FILE:
                raise NeedsFullBuild("首页内容已更改")
            before = by_path.pop(name, None)
            if before is not None:
                keys |= _source_keys(before)
            path = content_path / name
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
                document, body = load(text, str(path))
            except ContractError as error:
                errors.append(error)
                continue
            source = Source(path, document, body, rare=rare_characters(text))
            if source.kind == "home":
                raise NeedsFullBuild("首页内容已更改")
            by_path[name] = source
            keys |= _source_keys(source)
        if errors:
            raise ContentInvalid(errors)
        if any(key[0] in FULL_BUILD_KINDS for key in keys):
            raise NeedsFullBuild("评选项目、举报渠道或首页已更改")
        # Unchanged sources are kept as read (their path names the build they were read
        # from, which only error messages use).
        content = Content(path=content_path, home=old.home)
        for source in by_path.values():
            content.by_kind.setdefault(source.kind, []).append(source)
        for sources in content.by_kind.values():
            sources.sort(key=lambda source: source.document["id"])
        problems = cross_file_problems(content)
        if problems:
            raise ContentInvalid(problems)
        self.sources = by_path
        return content, keys


def _source_keys(source: Source) -> set[tuple]:
    document = source.document
    keys = {(source.kind, document["id"])}
    if source.kind == "decision":
        keys |= {("award", award["id"]) for award in document.get("awards", [])}
    if source.kind == "revocation" and document.get("award"):
        award = document["award"]
        keys.add(("award", award["id"] if isinstance(award, dict) else award))
    return keys
