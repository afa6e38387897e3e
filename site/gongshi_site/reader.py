"""Read content/ through gongshi.contract and check what no single file can check alone.

A file that breaks the contract stops the build: a public register that silently drops a
decision or a revocation would tell the public something false. Every problem found is
reported (file and field), not only the first, so one failed build lists them all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from gongshi.contract import ContractError, attachments, load
from gongshi.contract.schema import DIRECTORIES

from . import markup
from .cache import ContentCache, file_digest
from .rarechars import rare_characters

HOME_FILE = "home.md"


@dataclass
class Source:
    """One content file as the contract reads it."""

    path: Path
    document: dict
    body: str
    name: str = ""  # path under content/, as the cache knows it
    digest: str = ""  # of the file's bytes
    rare: frozenset = frozenset()  # its rare characters (生僻字), which the site's font draws

    @property
    def kind(self) -> str:
        return self.document["kind"]

    @cached_property
    def body_html(self) -> str:
        """The body as sanitised HTML (markup.py); a warm build takes it from the cache."""
        return markup.render(self.body)


@dataclass
class Content:
    """Every file of content/, by kind, in a stable order (by id)."""

    path: Path
    home: Source | None = None
    by_kind: dict[str, list[Source]] = field(default_factory=dict)

    def of(self, kind: str) -> list[Source]:
        return self.by_kind.get(kind, [])

    @property
    def rare_characters(self) -> frozenset[str]:
        """The rare characters of every file (rarechars.py)."""
        sources = [self.home] if self.home else []
        return frozenset().union(
            *(source.rare for source in sources),
            *(source.rare for kind in self.by_kind.values() for source in kind),
        )


class ContentInvalid(Exception):
    """content/ breaks the contract; `errors` name each file and field."""

    exitcode = 1

    def __init__(self, errors: list[ContractError]):
        self.errors = errors
        lines = "\n".join(f"  {error}" for error in errors)
        super().__init__(f"content/ 有 {len(errors)} 处不符合内容格式：\n{lines}")


def read_content(content_path: Path, cache: ContentCache | None = None) -> Content:
    """All documents of `content_path`; raises ContentInvalid listing every problem. A
    file whose bytes `cache` has seen before is not parsed or checked again."""
    content = Content(path=content_path)
    errors: list[ContractError] = []
    for path in _content_files(content_path, errors):
        data = path.read_bytes()
        name = path.relative_to(content_path).as_posix()
        digest = file_digest(data)
        cached = cache.get(name, digest) if cache else None
        if cached:
            document, body, body_html = cached
            rare = rare_characters(data.decode("utf-8"))
            source = Source(path, document, body, name, digest, rare)
            if body_html is not None:
                source.__dict__["body_html"] = body_html
        else:
            try:
                text = _text(data)
                document, body = load(text, str(path))
            except ContractError as error:
                errors.append(error)
                continue
            except UnicodeDecodeError:
                errors.append(ContractError(path, "(编码)", "文件不是 UTF-8 编码"))
                continue
            source = Source(path, document, body, name, digest, rare_characters(text))
        if source.kind == "home":
            content.home = source
        else:
            content.by_kind.setdefault(source.kind, []).append(source)
    for sources in content.by_kind.values():
        sources.sort(key=lambda source: source.document["id"])
    if not errors:
        errors.extend(cross_file_problems(content))
    if errors:
        raise ContentInvalid(errors)
    return content


def _text(data: bytes) -> str:
    """The file as text, line endings as open() in text mode reads them."""
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def remember(content: Content, cache: ContentCache) -> None:
    """Hand every file read, with the HTML its body became, to the cache."""
    sources = [content.home] if content.home else []
    sources += [source for kind in content.by_kind.values() for source in kind]
    for source in sources:
        html = source.__dict__.get("body_html")
        cache.put(source.name, source.digest, source.document, source.body, html)


def _content_files(content_path: Path, errors: list[ContractError]) -> list[Path]:
    """home.md and the .md files of each kind's directory. Anything else (a README beside
    home.md, attachments) is not a document."""
    home = content_path / HOME_FILE
    if not home.is_file():
        errors.append(ContractError(home, "(文件)", "缺少首页文件 home.md"))
    files = [home] if home.is_file() else []
    for directory in sorted(set(DIRECTORIES.values())):
        files.extend(sorted((content_path / directory).glob("*.md")))
    return files


def cross_file_problems(content: Content) -> list[ContractError]:
    """Rules across files: every reference points at something that is there."""
    problems: list[ContractError] = []
    programmes = _unique(content.of("programme"), "slug", problems)
    awards: dict[int, tuple[int, Source]] = {}
    for decision in content.of("decision"):
        for index, award in enumerate(decision.document["awards"]):
            if award["id"] in awards:
                problems.append(
                    ContractError(decision.path, f"awards[{index}].id", "奖项编号与其他决定重复")
                )
            awards[award["id"]] = (decision.document["id"], decision)
    for kind in ("call", "notice", "decision", "revocation", "channel"):
        for source in content.of(kind):
            if source.document["programme"] not in programmes:
                problems.append(
                    ContractError(
                        source.path,
                        "programme",
                        f"评选项目 {source.document['programme']!r} 不在 programmes/ 之中",
                    )
                )
    problems.extend(_revocation_problems(content, awards))
    problems.extend(_index_number_problems(content))
    problems.extend(_attachment_problems(content))
    problems.extend(_withdrawn_problems(content))
    return problems


def _index_number_problems(content: Content) -> list:
    """A 索引号 names one item of the catalogue."""
    problems, seen = [], set()
    for kind in ("call", "notice", "decision", "revocation"):
        for source in content.of(kind):
            number = source.document["index_number"]
            if number in seen:
                problems.append(
                    ContractError(source.path, "index_number", f"索引号 {number} 与其他文件重复")
                )
            seen.add(number)
    return problems


def _unique(sources: list[Source], key: str, problems: list) -> set:
    seen = set()
    for source in sources:
        value = source.document[key]
        if value in seen:
            problems.append(ContractError(source.path, key, f"{value!r} 与其他文件重复"))
        seen.add(value)
    return seen


def _revocation_problems(content: Content, awards: dict[int, tuple[int, Source]]) -> list:
    problems = []
    revoked: set[int] = set()
    for source in content.of("revocation"):
        award = source.document["award"]
        if award["id"] not in awards:
            problems.append(
                ContractError(source.path, "award.id", f"奖项 {award['id']} 不在任何表彰决定中")
            )
        elif awards[award["id"]][0] != award["decision"]:
            problems.append(
                ContractError(
                    source.path,
                    "award.decision",
                    f"奖项 {award['id']} 属于决定 {awards[award['id']][0]}，不是 {award['decision']}",
                )
            )
        elif award["id"] in revoked:
            problems.append(ContractError(source.path, "award.id", "该奖项已被另一撤销决定撤销"))
        revoked.add(award["id"])
    return problems


def _attachment_problems(content: Content) -> list:
    problems = []
    for sources in content.by_kind.values():
        for source in sources:
            for index, attachment in enumerate(source.document.get("attachments", [])):
                problem = attachment_problem(content.path, attachment)
                if problem:
                    field_name, message = problem
                    problems.append(
                        ContractError(source.path, f"attachments[{index}].{field_name}", message)
                    )
    return problems


def attachment_problem(content_path: Path, attachment: dict) -> tuple[str, str] | None:
    """What is wrong with an attachment's file, as (field, message), or None."""
    path = content_path / attachment["file"]
    if not path.is_file():
        return "file", f"附件文件 {attachment['file']} 不存在"
    data = path.read_bytes()
    if len(data) != attachment["size"]:
        return "size", f"附件大小为 {len(data)} 字节，与记录的 {attachment['size']} 不符"
    if hashlib.sha256(data).hexdigest() != attachment["sha256"]:
        return "sha256", "附件内容的 SHA-256 与记录不符"
    try:
        attachments.check(attachment["file"], data)
    except attachments.AttachmentRefused as refused:
        return "file", str(refused)
    return None


def _withdrawn_problems(content: Content) -> list:
    """A withdrawn item and a live one cannot share a URL."""
    problems = []
    for source in content.of("withdrawn"):
        kind, item_id = source.document["withdrawn_kind"], source.document["id"]
        if any(live.document["id"] == item_id for live in content.of(kind)):
            problems.append(
                ContractError(source.path, "id", f"已撤回的条目与现行的 {kind} {item_id} 同号")
            )
    return problems
