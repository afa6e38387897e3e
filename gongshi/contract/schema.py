"""What each kind of file in content/ must carry, field by field."""

from __future__ import annotations

import re
from datetime import date, datetime

from . import call, channel, decision, home, notice, programme, revocation, withdrawn
from .attachments import EXTENSIONS
from .records import table
from .tables import BOOL, DATE, DATETIME, INDEX_NUMBER, INT, SLUG, STR, TEXT, Field, fields

# 2: recipient_id and bonus on entries and awards (people are records, not names).
SCHEMA_VERSION = 2

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# An attachment's name ends with an allowed type's extension (attachments.py checks the
# content too, where the file is read).
_ATTACHMENT_FILE = re.compile(
    r"^attachments/[0-9]+/[^/\\]+\.(?:" + "|".join(map(re.escape, EXTENSIONS)) + r")$",
    re.IGNORECASE,
)


EDITION = table(programme.Edition)
CATEGORY, NOTICE_TYPES = notice.CATEGORY, notice.NOTICE_TYPES
# A kind of publicity notice as the regulation sets it: no length stated is null.
PERIOD_RULE = table(notice.PeriodRule)

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
    Field("index_number", STR, pattern=INDEX_NUMBER),
    Field("programme", STR, pattern=SLUG),
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

# Who runs the site and how it is registered (cms/govsite: 网站信息); "" when not set.
IDENTITY = table(home.Identity)

# Each kind's own fields, made from its typed record (gongshi/contract/<kind>.py).
KINDS: dict[str, dict[str, Field]] = {
    "home": fields(*table(home.Home).values()),
    "programme": fields(*table(programme.Programme).values()),
    "call": fields(*DOCUMENT.values(), *table(call.Call).values()),
    "notice": fields(*DOCUMENT.values(), *table(notice.Notice).values()),
    "decision": fields(*DOCUMENT.values(), *table(decision.Decision).values()),
    "revocation": fields(*DOCUMENT.values(), *table(revocation.Revocation).values()),
    "channel": fields(*table(channel.Channel).values()),
    "withdrawn": fields(*table(withdrawn.Withdrawn).values()),
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
    if document["kind"] == "notice":
        problems.extend(_period_problems(document))
    if document["kind"] == "programme":
        problems.extend(_complaint_statistics_problems(document["complaint_statistics"]))
    if document["kind"] == "decision":
        for index, award in enumerate(document["awards"]):
            if award["valid_until"] is not None and award["valid_until"] < award["valid_from"]:
                problems.append((f"awards[{index}].valid_until", "有效期截止早于起始"))
            problems.extend(_identity_problems(award, f"awards[{index}]"))
    if document["kind"] == "notice":
        for index, entry in enumerate(document["entries"]):
            problems.extend(_identity_problems(entry, f"entries[{index}]"))
    return problems


def _identity_problems(row: dict, path: str) -> list[tuple[str, str]]:
    """A person is known by a person's id, an organisation with a code by that code."""
    identity = row["recipient_id"]
    if row["category"] == "individual":
        if not identity.startswith("p-"):
            return [(f"{path}.recipient_id", "个人应以人员编号（p-…）识别，不能以名称或代码识别")]
    elif identity.startswith("p-"):
        return [(f"{path}.recipient_id", "组织不能以人员编号识别")]
    elif len(row["credit_code"]) == 18 and identity != row["credit_code"]:
        return [(f"{path}.recipient_id", "有统一社会信用代码的组织应以该代码识别")]
    return []


def _period_problems(notice: dict) -> list[tuple[str, str]]:
    """A period has an end exactly when it has a length, ends after it starts, and its
    corrections only ever moved the end later, the last one giving the period as it is."""
    problems = []
    if (notice["end_date"] is None) != (notice["working_days"] is None):
        problems.append(("end_date", "公示截止日期和工作日数须同时给出或同时为空"))
    elif notice["end_date"] is not None and notice["end_date"] < notice["start_date"]:
        problems.append(("end_date", "公示截止日期早于开始日期"))
    if notice["working_days"] is None and notice["period_rule"]["min_working_days"] is not None:
        problems.append(("working_days", "管理办法规定了公示期长度，公示却没有截止日期"))
    corrections = notice["period_corrections"]
    for index, correction in enumerate(corrections):
        previous_end = correction["previous_end_date"]
        if previous_end is not None and correction["end_date"] < previous_end:
            problems.append((f"period_corrections[{index}].end_date", "公示期更正后不能缩短"))
    if corrections:
        last = corrections[-1]
        now = (notice["start_date"], notice["end_date"], notice["working_days"])
        if (last["start_date"], last["end_date"], last["working_days"]) != now:
            problems.append(("period_corrections", "最后一次更正后的公示期与公示期不符"))
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
