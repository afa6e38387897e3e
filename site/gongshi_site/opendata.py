"""Open data files under /data/, documented field by field in docs/open-data.md.

Field names and codes are stable (statuses are given as codes and as their wording);
a new field may be added, none renamed or removed without a new file name.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import partial

from gongshi.contract import records

from . import labels
from .formatting import period_rule, validity
from .memo import Memo
from .model import Award, Notice, Site, Winner
from .settings import SiteSettings

WINNERS_CSV_COLUMNS = [
    "winner_key",
    "name",
    "category",
    "credit_code",
    "award_id",
    "programme",
    "programme_title",
    "year",
    "level",
    "citation",
    "region",
    "valid_from",
    "valid_until",
    "status",
    "status_label",
    "decision_id",
    "decision_document_number",
    "decision_date",
    "decision_url",
    "revocation_id",
    "revocation_date",
    "revocation_reason",
    "revocation_url",
    "winner_url",
    "validity",
]


def winners_json(site: Site, config: SiteSettings, memo: Memo | None = None, scope=None) -> bytes:
    """With the `memo` of the previous call (incremental.py), a winner whose awards,
    their statuses and revocations are as they were is not encoded again. `scope`
    tells apart the files a winner is in (the whole archive, a year: opendata_years.py)."""
    winners = [
        _kept(memo, ("json", scope), winner, _winner_item, config) for winner in site.winners
    ]
    head = {"status_as_of": site.today.isoformat(), "count": len(winners)}
    return _json_with_list(head, "winners", winners)


def winners_csv(site: Site, config: SiteSettings, memo: Memo | None = None, scope=None) -> bytes:
    """One row per award; UTF-8 with a byte order mark, which Excel needs to read Chinese.
    The `memo` and `scope` as for winners_json()."""
    buffer = io.StringIO(newline="")
    csv.DictWriter(buffer, WINNERS_CSV_COLUMNS, lineterminator="\r\n").writeheader()
    rows = [_kept(memo, ("csv", scope), winner, _winner_rows, config) for winner in site.winners]
    return "\ufeff".encode() + (buffer.getvalue() + "".join(rows)).encode("utf-8")


def _kept(memo: Memo | None, form: tuple, winner: Winner, make, config: SiteSettings):
    """What `make(winner, config)` gave before for the same winner (the same award
    objects), if its awards' statuses and revocations are as they were then."""
    if memo is None:
        return make(winner, config)
    revocations = [award.revocation for award in winner.awards]
    return memo.keyed(
        (form, winner.key),
        (id(winner), *map(id, revocations), *(award.status.key for award in winner.awards)),
        partial(make, winner, config),
        alive=(winner, revocations),
    )


def _winner_rows(winner: Winner, config: SiteSettings) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, WINNERS_CSV_COLUMNS, lineterminator="\r\n")
    for award in winner.awards:
        row = _csv_row(winner, award, config)
        writer.writerow({column: spreadsheet_cell(value) for column, value in row.items()})
    return buffer.getvalue()


# What makes a spreadsheet read a cell as a formula (= + - @), also behind the tab,
# carriage return or spaces some programs skip first; and a cell starting with a tab or
# a carriage return itself (OWASP's list).
_FORMULA = re.compile(r"^[=+\-@\t\r]|^[\s]+[=+\-@]")


def spreadsheet_cell(value):
    """A value of winners.csv as data: text a spreadsheet would run as a formula gets a
    leading apostrophe, which spreadsheets show as text and do not run."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def notices_json(site: Site, config: SiteSettings, memo: Memo | None = None) -> bytes:
    """With the `memo` of the previous call, only new notices are encoded."""
    if memo is None:
        notices = [_notice_item(notice, config) for notice in site.notices]
    else:
        notices = [memo.of(notice, _notice_item, config) for notice in site.notices]
    head = {"status_as_of": site.today.isoformat(), "count": len(notices)}
    return _json_with_list(head, "notices", notices)


def _winner_item(winner: Winner, config: SiteSettings) -> bytes:
    return _list_item(_winner(winner, config))


def _notice_item(notice: Notice, config: SiteSettings) -> bytes:
    return _list_item(_notice(notice, config))


def withdrawn_json(site: Site) -> bytes:
    """For the web server: these paths answer 410 Gone (with the page written there)."""
    return _json(
        [
            {
                "path": item.url,
                "title": item.title,
                "reason": item.reason,
                "withdrawn_at": item.withdrawn_at.isoformat(timespec="seconds"),
            }
            for item in site.withdrawn
        ]
    )


def _csv_row(winner: Winner, award: Award, config: SiteSettings) -> dict:
    decision, revocation = award.decision, award.revocation
    return {
        "winner_key": winner.key,
        "name": winner.name,
        "category": winner.category,
        "credit_code": winner.credit_code,
        "award_id": award.id,
        "programme": award.programme.slug,
        "programme_title": award.programme.title,
        "year": award.year,
        "level": award.level,
        "citation": award.citation,
        "region": award.region,
        "valid_from": award.valid_from.isoformat(),
        "valid_until": award.valid_until.isoformat() if award.valid_until else "",
        "status": award.status.key,
        "status_label": award.status.label,
        "decision_id": decision.id,
        "decision_document_number": decision.document_number,
        "decision_date": decision.date_signed.isoformat(),
        "decision_url": config.absolute(decision.url),
        "revocation_id": revocation.id if revocation else "",
        "revocation_date": revocation.date_signed.isoformat() if revocation else "",
        "revocation_reason": revocation.reason if revocation else "",
        "revocation_url": config.absolute(revocation.url) if revocation else "",
        "winner_url": config.absolute(winner.url),
        "validity": validity(award.valid_from, award.valid_until),
    }


def _winner(winner: Winner, config: SiteSettings) -> dict:
    return {
        "key": winner.key,
        "name": winner.name,
        "other_names": winner.other_names,
        "category": winner.category,
        "credit_code": winner.credit_code,
        "url": config.absolute(winner.url),
        "awards": [_award(award, config) for award in winner.awards],
    }


def _award(award: Award, config: SiteSettings) -> dict:
    decision, revocation = award.decision, award.revocation
    return {
        "award_id": award.id,
        "programme": award.programme.slug,
        "programme_title": award.programme.title,
        "year": award.year,
        "level": award.level,
        "citation": award.citation,
        "region": award.region,
        "valid_from": award.valid_from.isoformat(),
        "valid_until": award.valid_until.isoformat() if award.valid_until else None,
        "validity": validity(award.valid_from, award.valid_until),
        "status": award.status.key,
        "status_label": award.status.label,
        "decision": {
            "id": decision.id,
            "document_number": decision.document_number,
            "date_signed": decision.date_signed.isoformat(),
            "url": config.absolute(decision.url),
        },
        "revocation": {
            "id": revocation.id,
            "date": revocation.date_signed.isoformat(),
            "reason": revocation.reason,
            "url": config.absolute(revocation.url),
        }
        if revocation
        else None,
    }


def _notice(notice: Notice, config: SiteSettings) -> dict:
    return {
        "id": notice.id,
        "url": config.absolute(notice.url),
        "title": notice.title,
        "programme": notice.programme.slug,
        "edition_year": notice.edition.year if notice.edition else None,
        "notice_type": notice.notice_type,
        "notice_type_label": labels.NOTICE_TYPES[notice.notice_type],
        "document_number": notice.document_number,
        "issuing_body": notice.issuing_body,
        "date_signed": notice.date_signed.isoformat(),
        "first_published_at": notice.first_published_at.isoformat(timespec="seconds"),
        "last_published_at": notice.last_published_at.isoformat(timespec="seconds"),
        "start_rule": notice.start_rule,
        "start_date": notice.start_date.isoformat(),
        "end_date": notice.end_date.isoformat() if notice.end_date else None,
        "working_days": notice.working_days,
        "period_rule": period_rule(notice),
        "period_corrections": [
            {
                "published_at": correction.published_at.isoformat(timespec="seconds"),
                "previous_end_date": correction.previous_end_date.isoformat()
                if correction.previous_end_date
                else None,
                "end_date": correction.end_date.isoformat(),
                "working_days": correction.working_days,
                "reason": correction.reason,
            }
            for correction in notice.period_corrections
        ],
        "status": notice.status.key,
        "status_label": notice.status.label,
        "objection_method": notice.objection_method,
        "entries": [records.open_data(entry) for entry in notice.entries],
        "attachments": [
            {
                "title": attachment.title,
                "url": config.absolute(attachment.url),
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in notice.attachments
        ],
        "changes": [
            {
                "published_at": change.published_at.isoformat(timespec="seconds"),
                "note": change.note,
                "is_major": change.is_major,
            }
            for change in notice.changes
        ],
    }


def _json(data) -> bytes:
    return (_json_text(data) + "\n").encode("utf-8")


def _json_text(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _list_item(data) -> bytes:
    """`data` as _json() writes it as an item of a list in an object: two levels in."""
    return "\n".join(f"    {line}" for line in _json_text(data).split("\n")).encode()


def _json_with_list(head: dict, name: str, items: list[bytes]) -> bytes:
    """_json({**head, name: [...]}) from the _list_item() of each item: the same bytes."""
    if not items:
        return _json({**head, name: []})
    marker = "\x00items\x00"
    text = _json_text({**head, name: [marker]})
    before, after = text.split(f"    {json.dumps(marker)}", 1)
    return before.encode() + b",\n".join(items) + (after + "\n").encode()
