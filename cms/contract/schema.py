"""What each kind of file in content/ must carry, field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .attachments import EXTENSIONS

SCHEMA_VERSION = 1

# Field types. A field is required and not null unless it says otherwise; "text" may be
# empty, "str" may not.
STR, TEXT, INT, BOOL, DATE, DATETIME = "str", "text", "int", "bool", "date", "datetime"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# An attachment's name ends with an allowed type's extension (attachments.py checks the
# content too, where the file is read).
_ATTACHMENT_FILE = re.compile(
    r"^attachments/[0-9]+/[^/\\]+\.(?:" + "|".join(map(re.escape, EXTENSIONS)) + r")$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str | dict | list  # a scalar type, an object's fields, or [object fields] for a list
    nullable: bool = False
    choices: tuple[str, ...] = ()
    pattern: re.Pattern | None = None


def fields(*items: Field) -> dict[str, Field]:
    return {item.name: item for item in items}


EDITION = fields(Field("id", INT), Field("number", INT), Field("year", INT), Field("title", STR))
CATEGORY = ("organisation", "individual")

COMMON = fields(
    Field("schema", INT),
    Field("kind", STR),
    Field("id", INT),
    Field("uuid", STR),
    Field("title", STR),
    Field("first_published_at", DATETIME),
    Field("last_published_at", DATETIME),
)

DOCUMENT = fields(
    Field("programme", STR, pattern=_SLUG),
    Field("edition", EDITION, nullable=True),
    Field("document_number", TEXT),
    Field("issuing_body", STR),
    Field("date_signed", DATE),
    Field("summary", TEXT),
    Field(
        "attachments",
        [
            fields(
                Field("title", STR),
                Field("file", STR, pattern=_ATTACHMENT_FILE),
                Field("size", INT),
                Field("sha256", STR, pattern=_SHA256),
            )
        ],
    ),
    Field(
        "changes",
        [fields(Field("published_at", DATETIME), Field("note", STR), Field("is_major", BOOL))],
    ),
)

KINDS: dict[str, dict[str, Field]] = {
    "home": fields(Field("site_name", STR), Field("introduction", TEXT)),
    "programme": fields(
        Field("slug", STR, pattern=_SLUG),
        Field("level", STR, choices=("province", "city", "district", "county")),
        Field("region", STR),
        Field("organiser", STR),
        Field("office", STR),
        Field("supervisor", TEXT),
        Field("summary", TEXT),
        Field(
            "regulation",
            fields(
                Field("title", STR),
                Field("number", TEXT),
                Field("status", STR, choices=("in_force", "trial", "draft", "repealed")),
                Field("issued_on", DATE, nullable=True),
                Field("effective_from", DATE, nullable=True),
                Field("expires_on", DATE, nullable=True),
                Field("url", TEXT),
                Field("replaces", TEXT),
            ),
        ),
        Field("cycle_years", INT),
        Field("validity_years", INT, nullable=True),
        Field("min_publicity_working_days", INT, nullable=True),
        Field(
            "levels",
            [
                fields(
                    Field("name", STR),
                    Field("rank", STR, choices=("award", "nomination")),
                    Field("category", STR, choices=CATEGORY),
                    Field("quota", INT),
                )
            ],
        ),
        Field("rules", [fields(Field("topic", STR), Field("text", STR), Field("article", TEXT))]),
        Field("editions", [EDITION]),
        # Counts of the supervision group's cases by year of receipt; never their content.
        Field(
            "complaint_statistics",
            [
                fields(
                    Field("year", INT),
                    Field("received", INT),
                    Field("concluded", INT),
                    Field("upheld", INT),
                    Field("median_days_to_conclude", INT, nullable=True),
                )
            ],
        ),
    ),
    "call": fields(
        *DOCUMENT.values(), Field("application_deadline", DATE), Field("how_to_apply", TEXT)
    ),
    "notice": fields(
        *DOCUMENT.values(),
        Field("notice_type", STR, choices=("accepted", "candidates", "recommended")),
        Field("start_date", DATE),
        Field("end_date", DATE),
        Field("working_days", INT),
        Field("objection_method", TEXT),
        Field(
            "entries",
            [
                fields(
                    Field("name", STR),
                    Field("credit_code", TEXT),
                    Field("category", STR, choices=CATEGORY),
                    Field("level", TEXT),
                    Field("region", TEXT),
                    Field("score", INT, nullable=True),
                )
            ],
        ),
    ),
    "decision": fields(
        *DOCUMENT.values(),
        Field(
            "awards",
            [
                fields(
                    Field("id", INT),
                    Field("recipient", STR),
                    Field("credit_code", TEXT),
                    Field("category", STR, choices=CATEGORY),
                    Field("level", STR),
                    Field("region", TEXT),
                    Field("score", INT, nullable=True),
                    Field("prize", TEXT),
                    Field("prize_money_yuan", INT, nullable=True),
                    Field("is_repeat", BOOL),
                    Field("valid_from", DATE),
                    Field("valid_until", DATE, nullable=True),
                    Field("citation", STR),
                )
            ],
        ),
    ),
    "revocation": fields(
        *DOCUMENT.values(),
        Field(
            "award",
            fields(
                Field("id", INT),
                Field("decision", INT),
                Field("recipient", STR),
                Field("credit_code", TEXT),
                Field("level", STR),
                Field("citation", STR),
            ),
        ),
        Field("grounds", [fields(Field("text", STR), Field("article", TEXT))]),
        Field("facts", STR),
        Field("legal_basis", STR),
        Field("certificate_recovered", BOOL),
        Field("money_clawed_back", BOOL),
        Field("money_clawed_back_yuan", INT, nullable=True),
        Field("barred_until", DATE, nullable=True),
    ),
    "channel": fields(
        Field("programme", STR, pattern=_SLUG),
        Field("name", STR),
        Field("phone", TEXT),
        Field("email", TEXT),
        Field("postal_address", TEXT),
        Field("postcode", TEXT),
        Field("office", TEXT),
        Field("office_hours", TEXT),
        Field("report_contents", STR),
        Field("anonymous_accepted", BOOL),
        Field("real_name_encouraged", BOOL),
        Field("deadline_rule", TEXT),
        Field("procedure", STR),
        Field("acknowledge_within_working_days", INT, nullable=True),
        Field("conclude_within_working_days", INT, nullable=True),
        Field("confidentiality_promise", STR),
        Field("legal_basis", TEXT),
    ),
    "withdrawn": fields(
        Field("withdrawn_kind", STR, choices=("call", "notice", "decision", "revocation")),
        Field("programme", STR, nullable=True, pattern=_SLUG),
        Field("document_number", TEXT),
        Field("withdrawn_at", DATETIME),
        Field("reason", STR),
    ),
}

# Where each kind lives under content/ and is served on the site; `home` is content/home.md.
DIRECTORIES = {
    "programme": "programmes",
    "call": "calls",
    "notice": "notices",
    "decision": "decisions",
    "revocation": "revocations",
    "channel": "channels",
    "withdrawn": "withdrawn",
}


def check(document: dict) -> list[tuple[str, str]]:
    """Every way `document` breaks the contract, as (field path, message in Chinese)."""
    kind = document.get("kind")
    if kind not in KINDS:
        return [("kind", f"未知的内容类型：{kind!r}，应为 {'、'.join(KINDS)} 之一")]
    problems = _check_object(document, {**COMMON, **KINDS[kind]}, "")
    if not problems and document["schema"] != SCHEMA_VERSION:
        problems.append(("schema", f"格式版本为 {document['schema']}，本程序只读 {SCHEMA_VERSION}"))
    if not problems:
        problems.extend(_check_consistency(document))
    return problems


def _check_object(value, spec: dict[str, Field], prefix: str) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [(prefix.rstrip(".") or "(根)", "应为对象")]
    problems = []
    for name in value.keys() - spec.keys():
        problems.append((prefix + name, "不是本类型的字段"))
    for name, field in spec.items():
        path = prefix + name
        if name not in value:
            problems.append((path, "缺少此字段"))
        else:
            problems.extend(_check_value(value[name], field, path))
    return sorted(problems)


def _check_value(value, field: Field, path: str) -> list[tuple[str, str]]:
    if value is None:
        return [] if field.nullable else [(path, "不能为空（null）")]
    if isinstance(field.type, dict):
        return _check_object(value, field.type, path + ".")
    if isinstance(field.type, list):
        if not isinstance(value, list):
            return [(path, "应为列表")]
        problems = []
        for index, item in enumerate(value):
            problems.extend(_check_object(item, field.type[0], f"{path}[{index}]."))
        return problems
    problem = _scalar_problem(value, field)
    return [(path, problem)] if problem else []


def _scalar_problem(value, field: Field) -> str | None:
    kind = field.type
    if kind in (STR, TEXT):
        if not isinstance(value, str):
            return "应为字符串"
        if kind == STR and not value.strip():
            return "不能为空"
        if any(ord(char) < 32 and char not in "\n\t" for char in value):
            return "含有控制字符"
        if field.choices and value not in field.choices:
            return f"取值 {value!r} 不在 {'、'.join(field.choices)} 之中"
        if field.pattern and not field.pattern.match(value):
            return f"取值 {value!r} 格式不对"
    elif kind == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数"
        if value < 0:
            return "不能为负数"
    elif kind == BOOL:
        if not isinstance(value, bool):
            return "应为 true 或 false"
    elif kind == DATE:
        if not isinstance(value, str):
            return "应为日期字符串 YYYY-MM-DD"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} 不是 YYYY-MM-DD 格式的日期"
        if len(value) != 10:
            return f"{value!r} 不是 YYYY-MM-DD 格式的日期"
    elif kind == DATETIME:
        if not isinstance(value, str):
            return "应为带时区的时间字符串"
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return f"{value!r} 不是 ISO 8601 时间"
        if moment.tzinfo is None:
            return f"{value!r} 缺少时区"
    return None


def _check_consistency(document: dict) -> list[tuple[str, str]]:
    """Rules across fields of one file (rules across files are the reader's)."""
    problems = []
    if _later(document["first_published_at"], document["last_published_at"]):
        problems.append(("last_published_at", "不能早于首次发布时间"))
    if document["kind"] == "notice" and document["end_date"] < document["start_date"]:
        problems.append(("end_date", "公示截止日期早于开始日期"))
    if document["kind"] == "programme":
        problems.extend(_complaint_statistics_problems(document["complaint_statistics"]))
    if document["kind"] == "decision":
        for index, award in enumerate(document["awards"]):
            if award["valid_until"] is not None and award["valid_until"] < award["valid_from"]:
                problems.append((f"awards[{index}].valid_until", "有效期截止早于起始"))
    return problems


def _complaint_statistics_problems(rows: list[dict]) -> list[tuple[str, str]]:
    problems = []
    years = [row["year"] for row in rows]
    if years != sorted(set(years)):
        problems.append(("complaint_statistics", "年份应从小到大且不重复"))
    for index, row in enumerate(rows):
        path = f"complaint_statistics[{index}]"
        if row["concluded"] > row["received"]:
            problems.append((f"{path}.concluded", "办结数不能多于收到数"))
        if row["upheld"] > row["concluded"]:
            problems.append((f"{path}.upheld", "属实数不能多于办结数"))
        if (row["median_days_to_conclude"] is None) != (row["concluded"] == 0):
            problems.append((f"{path}.median_days_to_conclude", "有办结案件时才有办结用时中位数"))
    return problems


def _later(first: str, second: str) -> bool:
    return datetime.fromisoformat(first) > datetime.fromisoformat(second)
