"""The answers of the search service, as plain data: the JSON it returns, and what its
HTML pages are rendered from.

An award's status is worked out here, for the day of the request, with the CMS's own
rule (gongshi/rules/validity.py): an award that expired after the last build is answered as
expired, and a revoked award is always shown, marked revoked, with its revocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from gongshi.formatting import chinese_date
from gongshi.rules.validity import AWARD_STATUS_LABELS, NO_VALIDITY, award_status

from . import credential_codes, names, snippets
from .close_words import closest
from .documents import KINDS
from .engine import Filters, SearchIndex
from .query import Query, parse

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_PAGE = 50
STATUSES = AWARD_STATUS_LABELS
SORTS = {"relevance": "按相关度", "date": "按日期"}
VERIFY_LIMIT = 20
MATCHES = {
    "exact": "完全一致",
    "candidates": "多个获奖者，请按统一社会信用代码区分",
    "similar": "相似，请核对全称",
    "none": "未找到",
    "credential": "核验码相符",
    "no_credential": "没有这个核验码",
}


@dataclass
class Request:
    """A search as the service received it, checked: unknown values are dropped with a
    note rather than refused, so a stale or hand-edited link still answers."""

    q: str = ""
    kind: str = ""
    programme: str = ""
    year: int | None = None
    level: str = ""
    status: str = ""
    sort: str = "relevance"
    page: int = 1
    size: int = PAGE_SIZE
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Request:
        request = cls(q=params.get("q", ""))
        request.kind = _choice(params.get("kind", ""), KINDS, "类别", request.notes)
        request.status = _choice(params.get("status", ""), STATUSES, "状态", request.notes)
        request.sort = _choice(params.get("sort", ""), SORTS, "排序", request.notes) or "relevance"
        request.programme = params.get("programme", "").strip()[:64]
        request.level = params.get("level", "").strip()[:100]
        request.year = _number(params.get("year", ""), 1949, 2999, "年度", request.notes)
        request.page = _number(params.get("page", ""), 1, None, "页码", request.notes) or 1
        if request.page > MAX_PAGE:
            request.notes.append(f"最多显示前{MAX_PAGE}页结果，请增加关键词或筛选条件缩小范围。")
            request.page = MAX_PAGE
        size = _number(params.get("size", ""), 1, None, "每页条数", request.notes)
        request.size = min(size or PAGE_SIZE, MAX_PAGE_SIZE)
        return request

    def filters(self) -> Filters:
        return Filters(self.kind, self.programme, self.year, self.level, self.status)

    def params(self, **changes) -> dict[str, str]:
        """The query string of this search with `changes` (for links), without defaults."""
        values = {
            "q": self.q,
            "kind": self.kind,
            "programme": self.programme,
            "year": str(self.year or ""),
            "level": self.level,
            "status": self.status,
            "sort": "" if self.sort == "relevance" else self.sort,
            "page": "" if self.page == 1 else str(self.page),
        }
        values.update({key: str(value) for key, value in changes.items()})
        if values.get("page") == "1":
            values["page"] = ""
        return {key: value for key, value in values.items() if value}


def _choice(value: str, choices: dict, label: str, notes: list[str]) -> str:
    value = value.strip()
    if value and value not in choices:
        notes.append(f"不认识的{label}“{value[:20]}”，已忽略。")
        return ""
    return value


def _number(value: str, low: int, high: int | None, label: str, notes) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        notes.append(f"{label}应为数字，已忽略“{value[:20]}”。")
        return None
    number = int(value)
    if number < low or (high is not None and number > high):
        notes.append(f"{label}“{number}”超出范围，已忽略。")
        return None
    return number


# --- Search --------------------------------------------------------------------------------


def search(index: SearchIndex, request: Request, today: date) -> dict:
    parsed = parse(request.q)
    answer = {
        "query": parsed.text,
        "as_of": today.isoformat(),
        "filters": {
            "kind": request.kind,
            "programme": request.programme,
            "year": request.year,
            "level": request.level,
            "status": request.status,
        },
        "sort": request.sort,
        "page": request.page,
        "page_size": request.size,
        "total": 0,
        "total_estimated": False,
        "pages": 0,
        "results": [],
        "message": parsed.problem,
        "notes": [*request.notes, *parsed.notes],
        "did_you_mean": None,
        "homophones": False,
        "similar": False,  # found only with the query's region names left out
        "partial": False,
    }
    if parsed.problem or parsed.empty:
        return answer

    def run(query: Query, homophones: bool = False):
        return index.search(
            query,
            request.filters(),
            today,
            sort=request.sort,
            offset=(request.page - 1) * request.size,
            limit=request.size,
            homophones=homophones,
        )

    found = run(parsed)
    if found.total == 0 and parsed.document_number:
        # not a 文号 after all: the words as typed
        parsed = parse(request.q, read_numbers=False)
        answer["notes"] = [*request.notes, *parsed.notes]
        found = run(parsed)
    if found.total == 0 and (regionless := names.query_without_region(parsed.text)):
        # 湖南省衡阳市某公司 for 衡阳市某公司, 运城某公司 for 运城市某公司: similar, never "not found"
        text, regions = regionless
        shorter = parse(text)
        if not shorter.problem and not shorter.empty:
            again = run(shorter)
            if again.total:
                found, parsed = again, shorter
                answer["similar"] = True
                answer["notes"].append(
                    f"没有找到“{answer['query']}”。以下结果与它只差地区名称“{regions}”，"
                    "相似，请核对全称。"
                )
    if found.total == 0 and parsed.has_homophones:
        found = run(parsed, homophones=True)
        if found.total:
            answer["homophones"] = True
            answer["notes"].append(f"没有找到“{parsed.text}”，以下是读音相同的结果。")
    answer["total"] = found.total
    answer["total_estimated"] = found.estimated
    answer["pages"] = -(-found.total // request.size)
    answer["partial"] = found.timed_out
    if found.timed_out:
        answer["notes"].append("查询用时过长，以下只是部分结果，请增加关键词缩小范围。")
    needles = needles_of(parsed)
    answer["results"] = [result(hit.data, needles, today) for hit in found.hits]
    if found.total == 0:
        answer["did_you_mean"] = did_you_mean(index, parsed, request, today)
        if parsed.code:
            answer["message"] = (
                f"没有找到统一社会信用代码为 {parsed.code} 的获奖单位或文件。"
                "可到“获奖核验”页面查看本站公布的届次范围。"
            )
    elif request.page > max(answer["pages"], 1):
        answer["notes"].append(f"共{answer['pages']}页，第{request.page}页没有结果。")
    return answer


def needles_of(parsed: Query) -> list[str]:
    """What to mark in snippets: each part's unbroken stretches of text."""
    needles = [parsed.code.lower()] if parsed.code else []
    for part in parsed.parts:
        for run in part.runs:
            needles.append(run[0] + "".join(pair[-1] for pair in run[1:]) if run else "")
    return [needle for needle in needles if needle]


def result(data: dict, needles: list[str], today: date) -> dict:
    item = {
        "kind": data["kind"],
        "kind_label": data.get("kind_label") or KINDS[data["kind"]],
        "title": data["title"],
        "title_html": snippets.highlight(data["title"], needles),
        "url": data["url"],
        "programme": data.get("programme", ""),
        "programme_title": data.get("programme_title", ""),
        "year": data.get("year"),
        "date": data.get("date"),
        "document_number": data.get("document_number", ""),
        "index_number": data.get("index_number", ""),
    }
    if data["kind"] == "award":
        item.update(award(data, today))
        item["snippet_html"] = snippets.highlight(_award_line(data), needles)
    else:
        item["issuing_body"] = data.get("issuing_body", "")
        item["snippet_html"] = snippets.snippet(data.get("excerpt", ""), needles)
    return item


def _award_line(data: dict) -> str:
    parts = [data["citation"]]
    if data.get("names_then") and data["names_then"] != data["title"]:
        parts.append(f"获奖时名称：{data['names_then']}")
    if data.get("former_names"):
        parts.append("曾用名：" + "、".join(data["former_names"]))
    if data.get("credit_code"):
        parts.append(f"统一社会信用代码：{data['credit_code']}")
    return "；".join(parts)


def award(data: dict, today: date) -> dict:
    """An award's facts and its status on `today`, with the day it changed."""
    valid_until = _day(data.get("valid_until"))
    revocation = data.get("revocation")
    revoked_on = _day(revocation["date"]) if revocation else None
    status = award_status(valid_until, revoked_on, today)
    facts = {
        "winner": data["title"],
        "name_then": data.get("names_then", data["title"]),
        "former_names": data.get("former_names", []),
        "credit_code": data.get("credit_code", ""),
        "category": data.get("category", ""),
        "level": data.get("level", ""),
        "citation": data.get("citation", ""),
        "edition": data.get("edition", ""),
        "valid_from": data.get("valid_from"),
        "valid_until": data.get("valid_until"),
        "validity": validity_label(data.get("valid_from"), data.get("valid_until")),
        "status": status,
        "status_label": STATUSES[status],
        "status_since": None,
        "decision": data.get("decision"),
        "revocation": revocation if status == "revoked" else None,
    }
    if status == "expired":
        facts["status_since"] = (valid_until + timedelta(days=1)).isoformat()
    elif status == "revoked":
        facts["status_since"] = revoked_on.isoformat()
    return facts


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def did_you_mean(index: SearchIndex, parsed: Query, request: Request, today: date) -> dict | None:
    """A query that finds something, from words of names and titles whose pinyin is
    closest to each part's (yunchegn → 运城), when the query found nothing."""
    vocabulary = index.suggestions()
    if not vocabulary or parsed.code or not parsed.parts:
        return None
    replaced, changed = [], False
    for part in parsed.parts:
        if part.quoted:
            replaced.append(f'"{part.text}"')
            continue
        sounds = ["".join(sequence) for sequence in part.pinyin] or [part.text]
        best = None
        for sound in sounds[:4]:
            if sound in vocabulary:
                best = vocabulary[sound]
                break
            close = closest(sound, index.suggestion_keys, cutoff=0.75)
            if close:
                best = vocabulary[close]
                break
        if best and best != part.text:
            replaced.append(best)
            changed = True
        else:
            replaced.append(part.text)
    if not changed:
        return None
    suggestion = " ".join(replaced)
    check = index.search(parse(suggestion), request.filters(), today, limit=1)
    if not check.total:
        return None
    return {"query": suggestion, "total": check.total, "total_estimated": check.estimated}


def count(total: int, estimated: bool) -> str:
    """A number of results as a page says it: 37; an estimate as 约3,700."""
    return f"约{total:,}" if estimated else str(total)


# --- Verification --------------------------------------------------------------------------


def verify(index: SearchIndex, q: str, today: date) -> dict:
    """Did an organisation or person win, when, and is the award valid, expired or
    revoked today. Never says "fake": when nothing matches, it says which editions this
    site covers and how to report a claim that looks false.

    "exact" only for the credit code, or for the whole name of one winner: a name that
    differs in its legal form (有限公司 for 股份有限公司) names another legal person and is
    only "similar", as is a name with a region added or left out in front; a name that
    several winners share (two people, two organisations over time) gives "candidates",
    to tell apart by credit code. Each winner says how its name matched."""
    code = credential_codes.normalise(q)
    if code is not None:
        return verify_code(index, code, today)
    parsed = parse(q)
    answer = {
        "query": parsed.text,
        "as_of": today.isoformat(),
        "message": parsed.problem,
        "notes": parsed.notes,
        "match": "none",  # a key of MATCHES
        "match_label": MATCHES["none"],
        "winners": [],
        "similar": [],  # beside an exact answer: other winners whose names are close
        "coverage": index.extra.get("coverage", {}),
    }
    if parsed.problem or parsed.empty:
        return answer
    filters = Filters(kind="award")
    found = index.search(parsed, filters, today, limit=VERIFY_LIMIT)
    awards = [hit.data for hit in found.hits]
    if not parsed.code and (regionless := names.query_without_region(parsed.text)):
        shorter = parse(regionless[0])
        if not shorter.problem and not shorter.empty:
            more = index.search(shorter, filters, today, limit=VERIFY_LIMIT)
            awards += [hit.data for hit in more.hits]
    if not awards and parsed.has_homophones:
        found = index.search(parsed, filters, today, limit=VERIFY_LIMIT, homophones=True)
        awards = [hit.data for hit in found.hits]

    winners: dict[str, dict] = {}
    seen: set[tuple[str, str, str]] = set()
    for data in awards:
        identity = (data["url"], data.get("citation", ""), data.get("valid_from") or "")
        if identity in seen:
            continue
        seen.add(identity)
        winner = winners.get(data["url"])
        if winner is None:
            winner = winners[data["url"]] = _winner(data, parsed)
        winner["awards"].append(award(data, today))
    ranked = sorted(winners.values(), key=lambda winner: -winner["closeness"])
    for winner in ranked:
        winner["awards"].sort(key=lambda item: item["valid_from"] or "", reverse=True)
    if not ranked:
        return answer
    best = ranked[0]["closeness"]
    top = [winner for winner in ranked if winner["closeness"] == best]
    if best == names.EXACT and len(top) == 1:
        answer["match"] = "exact"
        answer["winners"] = top
        answer["similar"] = [winner for winner in ranked if winner["closeness"] == names.CLOSE]
    elif best >= names.CLOSE and len(top) > 1:
        answer["match"] = "candidates"
        answer["winners"] = ranked
    else:
        answer["match"] = "similar"
        answer["winners"] = ranked
    answer["match_label"] = MATCHES[answer["match"]]
    for winner in [*answer["winners"], *answer["similar"]]:
        del winner["closeness"]
    return answer


def verify_code(index: SearchIndex, code: str, today: date) -> dict:
    """The award whose verification code (获奖证书核验码) is `code` (normalised), from the
    build's list of codes: exactly that award's page, or none. A code is looked up,
    never searched: a code one letter off is another award's or nobody's."""
    found = index.extra.get("credentials", {}).get(code)
    answer = {
        "query": code,
        "as_of": today.isoformat(),
        "message": "",
        "notes": [],
        "match": "credential" if found else "no_credential",
        "winners": [],
        "similar": [],
        "coverage": index.extra.get("coverage", {}),
        "credential": None,
    }
    answer["match_label"] = MATCHES[answer["match"]]
    if found:
        answer["credential"] = {"code": code, **found}
    return answer


def _winner(data: dict, parsed: Query) -> dict:
    """A winner of a verification's answer, with how its names match the query."""
    if parsed.code:
        closeness = names.Closeness(names.EXACT)
    else:
        closeness = max(
            (
                names.closeness(parsed.text, name)
                for name in [data["title"], *data.get("all_names", [])]
            ),
            key=lambda found: found.level,
        )
    return {
        "name": data["title"],
        "url": data["url"],
        "credit_code": data.get("credit_code", ""),
        "former_names": data.get("former_names", []),
        "category": data.get("category", ""),
        "match": "exact" if closeness.level == names.EXACT else "similar",
        "match_note": closeness.reason,
        "closeness": closeness.level,
        "awards": [],
    }


def status_sentence(item: dict) -> str:
    """The plain answer for one award: 有效，有效期至…; 已过期，于…过期; 已撤销，于…撤销."""
    if item["status"] == "revoked":
        return f"已撤销：于{chinese_day(item['status_since'])}被撤销"
    if item["status"] == "expired":
        return (
            f"已过期：有效期至{chinese_day(item['valid_until'])}，"
            f"自{chinese_day(item['status_since'])}起不再有效"
        )
    if item["valid_until"]:
        return f"有效：有效期至{chinese_day(item['valid_until'])}（含当日）"
    return f"有效：{NO_VALIDITY}"


def validity_label(valid_from: str | None, valid_until: str | None) -> str:
    """The validity as the site words it: both days, or that the regulation sets none."""
    if not valid_until:
        return NO_VALIDITY
    return f"{chinese_day(valid_from)}至{chinese_day(valid_until)}"


def chinese_day(value: str | None) -> str:
    """An ISO date of a search record, in running text."""
    return chinese_date(date.fromisoformat(value)) if value else ""
