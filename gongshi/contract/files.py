"""A content/ file: a JSON front matter object (as Hugo reads it), a blank line, and the
Markdown body."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from .schema import DIRECTORIES, check


class ContractError(ValueError):
    """A file that breaks the contract, naming the file and the field."""

    def __init__(self, path: str, field: str, message: str):
        self.path, self.field, self.message = str(path), field, message
        super().__init__(f"{self.path}：字段 {field}：{message}")


def relative_path(document: dict) -> PurePosixPath:
    """Where a document lives under content/, from its kind and permanent id."""
    if document["kind"] == "home":
        return PurePosixPath("home.md")
    return PurePosixPath(DIRECTORIES[document["kind"]]) / f"{document['id']}.md"


def dump(document: dict, body: str = "", path: str = "(export)") -> str:
    """The text of a file, after checking the document; raises ContractError."""
    _raise_first(path, check(document))
    front = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    body = body.strip("\n")
    return f"{front}\n\n{body}\n" if body else f"{front}\n"


def load(text: str, path: str) -> tuple[dict, str]:
    """The document and Markdown body of a file; raises ContractError naming what is wrong."""
    if not text.startswith("{"):
        raise ContractError(path, "(front matter)", "文件应以 JSON 对象 { 开头")
    try:
        document, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        raise ContractError(
            path, "(front matter)", f"JSON 格式错误：第{error.lineno}行第{error.colno}列"
        ) from None
    rest = text[end:]
    if rest and not rest.startswith("\n"):
        raise ContractError(path, "(front matter)", "JSON 对象之后应换行")
    _raise_first(path, check(document))
    expected = relative_path(document)
    if not str(path).replace("\\", "/").endswith(str(expected)):
        raise ContractError(path, "id", f"文件位置应为 content/{expected}")
    return document, rest.strip("\n")


def _raise_first(path: str, problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        more = f"（另有{len(problems) - 1}处问题）" if len(problems) > 1 else ""
        raise ContractError(path, field, message + more)
