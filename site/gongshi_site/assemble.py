"""From the checked content/ files to the joined-up model the pages are drawn from."""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime
from urllib.parse import urlsplit

from gongshi.contract import call as contract_call
from gongshi.contract import channel as contract_channel
from gongshi.contract import decision as contract_decision
from gongshi.contract import home as contract_home
from gongshi.contract import notice as contract_notice
from gongshi.contract import programme as contract_programme
from gongshi.contract import revocation as contract_revocation
from gongshi.contract import withdrawn as contract_withdrawn
from gongshi.contract.records import from_document

from . import labels, urls
from .memo import Memo
from .model import (
    SORT_KEY,
    Attachment,
    Award,
    Call,
    Change,
    Channel,
    Decision,
    Edition,
    Home,
    Identity,
    Notice,
    Programme,
    Revocation,
    Site,
    Winner,
    Withdrawn,
)
from .reader import Content, Source
from .settings import CHINA
from .status import OPEN, days_left


def assemble(
    content: Content, today: date, fallback_site_name: str, memo: Memo | None = None
) -> Site:
    """The site's model for `today`, the day statuses are computed for.

    With the `memo` of the previous assembly of the same day (incremental.py), the items
    of files not read again are those it made: only the links between items, which other
    files decide (an award's revocation, status and winner, a programme's lists), are
    made anew. Its owner starts its next pass."""
    memo = memo or Memo()
    programmes = {
        source.document["slug"]: memo.of(source, _programme) for source in content.of("programme")
    }

    def owned(item) -> bool:  # made with this assembly's programme, not a replaced one
        return item.programme is programmes.get(item.programme.slug)

    calls = [
        memo.of(source, _call, programmes, today, valid=owned) for source in content.of("call")
    ]
    notices = [
        memo.of(source, _notice, programmes, today, valid=owned) for source in content.of("notice")
    ]
    decisions = [
        memo.of(source, _decision, programmes, valid=owned) for source in content.of("decision")
    ]
    awards = {award.id: award for decision in decisions for award in decision.awards}
    revocations = [
        memo.of(
            source,
            _revocation,
            programmes,
            awards,
            valid=lambda item: owned(item) and item.award is awards.get(item.award.id),
        )
        for source in content.of("revocation")
    ]
    for award in awards.values():
        award.revocation = None
    for revocation in revocations:
        revocation.award.revocation = revocation
    for award in awards.values():
        award.status = award.status_on(today)
    channels = [
        memo.of(source, _channel, programmes, valid=owned) for source in content.of("channel")
    ]
    _file_under(programmes.values(), calls, notices, decisions, revocations, channels)
    winners = _winners(decisions, memo)
    return Site(
        home=_home(content.home, fallback_site_name),
        today=today,
        programmes=sorted(programmes.values(), key=lambda programme: programme.id),
        calls=_newest_first(calls),
        notices=_newest_first(notices),
        decisions=_newest_first(decisions),
        revocations=_newest_first(revocations),
        channels=channels,
        winners=winners,
        withdrawn=[_withdrawn(source, programmes) for source in content.of("withdrawn")],
    )


def _newest_first(documents: list) -> list:
    return sorted(documents, key=SORT_KEY, reverse=True)


def _file_under(programmes, calls, notices, decisions, revocations, channels) -> None:
    """Give each programme its own items, in one pass over each list (not one pass per
    programme: hundreds of programmes times tens of thousands of documents)."""
    owned = {id(programme): ([], [], [], [], []) for programme in programmes}
    for index, items in enumerate((calls, notices, decisions, revocations, channels)):
        for item in items:
            owned[id(item.programme)][index].append(item)
    for programme in programmes:
        own_calls, own_notices, own_decisions, own_revocations, own_channels = owned[id(programme)]
        programme.calls = _newest_first(own_calls)
        programme.notices = _newest_first(own_notices)
        programme.decisions = _newest_first(own_decisions)
        programme.revocations = _newest_first(own_revocations)
        programme.channels = own_channels


def _home(source: Source | None, fallback_site_name: str) -> Home:
    if source is None:
        return Home(site_name=fallback_site_name, introduction="", body_html="")
    record = from_document(contract_home.Home, source.document)
    identity = record.identity
    # Links only to where a link may point: the 公安 record and an http(s) address.
    identity = dataclasses.replace(
        identity, conac_url=web_url(identity.conac_url), police_url=web_url(identity.police_url)
    )
    return Home(
        site_name=record.site_name,
        introduction=record.introduction,
        body_html=source.body_html,
        identity=Identity(identity),
    )


def _programme(source: Source) -> Programme:
    document = source.document
    record = from_document(contract_programme.Programme, document)
    regulation = record.regulation
    record = dataclasses.replace(
        record,
        # Links only to where a link may point: an http(s) address.
        regulation=dataclasses.replace(regulation, url=web_url(regulation.url)),
        editions=sorted(record.editions, key=lambda edition: edition.number),
    )
    return Programme(
        id=document["id"],
        title=document["title"],
        url=urls.programme(record.slug),
        body_html=source.body_html,
        first_published_at=_moment(document["first_published_at"]),
        last_published_at=_moment(document["last_published_at"]),
        record=record,
    )


def _document_fields(source: Source, programmes: dict[str, Programme]) -> dict:
    document = source.document
    edition = document["edition"]
    first_published_at = _moment(document["first_published_at"])
    return {
        "kind": document["kind"],
        "id": document["id"],
        "uuid": document["uuid"],
        "title": document["title"],
        "url": urls.document(document["kind"], document["id"]),
        "section": labels.SECTIONS[document["kind"]],
        "programme": programmes[document["programme"]],
        "edition": from_document(Edition, edition) if edition else None,
        "index_number": document["index_number"],
        "document_number": document["document_number"],
        "issuing_body": document["issuing_body"],
        "date_signed": _date(document["date_signed"]),
        "summary": document["summary"],
        "attachments": [
            Attachment(
                title=attachment["title"],
                file=attachment["file"],
                url=urls.attachment(attachment["file"]),
                size=attachment["size"],
                sha256=attachment["sha256"],
            )
            for attachment in document["attachments"]
        ],
        "changes": [
            Change(
                published_at=_moment(change["published_at"]),
                note=change["note"],
                is_major=change["is_major"],
                is_first_publication=index == 0
                and _moment(change["published_at"]) == first_published_at,
            )
            for index, change in enumerate(document["changes"])
        ],
        "body_html": source.body_html,
        "first_published_at": first_published_at,
        "last_published_at": _moment(document["last_published_at"]),
    }


def _call(source: Source, programmes, today: date) -> Call:
    call = Call(
        **_document_fields(source, programmes),
        record=from_document(contract_call.Call, source.document, moment=_moment),
    )
    call.status = call.status_on(today)
    return call


def _notice(source: Source, programmes, today: date) -> Notice:
    notice = Notice(
        **_document_fields(source, programmes),
        record=from_document(contract_notice.Notice, source.document, moment=_moment),
    )
    notice.status = notice.status_on(today)
    # Only an open period shows it: a closed one's count would change every day, and
    # with it the notice as an incremental build compares it (incremental_day.py).
    if notice.status is OPEN:
        notice.days_left = days_left(notice.end_date, today)
    return notice


def _decision(source: Source, programmes) -> Decision:
    record = from_document(contract_decision.Decision, source.document, moment=_moment)
    decision = Decision(**_document_fields(source, programmes))
    decision.awards = [Award(decision=decision, record=award) for award in record.awards]
    return decision


def _revocation(source: Source, programmes, awards: dict[int, Award]) -> Revocation:
    record = from_document(contract_revocation.Revocation, source.document, moment=_moment)
    return Revocation(
        **_document_fields(source, programmes), award=awards[record.award.id], record=record
    )


def _channel(source: Source, programmes) -> Channel:
    record = from_document(contract_channel.Channel, source.document)
    return Channel(id=source.document["id"], programme=programmes[record.programme], record=record)


def _winners(decisions: list[Decision], memo: Memo) -> list[Winner]:
    """Every recipient once, their awards oldest first; the register lists them by name."""
    awards_of: dict[str, list[Award]] = {}
    awards = sorted(
        (award for decision in decisions for award in decision.awards),
        key=lambda award: (award.decision.date_signed, award.decision.id, award.id),
    )
    for award in awards:
        awards_of.setdefault(award.recipient_id, []).append(award)
    # A winner is made of its awards: the same award objects make the same winner.
    winners = [
        memo.keyed(("winner", key), tuple(map(id, own)), functools.partial(winner_of, key, own))
        for key, own in awards_of.items()
    ]
    for winner in winners:
        for award in winner.awards:
            award.winner = winner
    return sorted(winners, key=lambda winner: (winner.name, winner.key))


def winner_of(key: str, awards: list[Award]) -> Winner:
    """The winner `key` as `awards` (oldest first) describe it."""
    first = awards[0]
    winner = Winner(
        key=key,
        url=urls.winner(key),
        name=first.recipient,
        category=first.category,
        credit_code=first.credit_code if first.category == "organisation" else "",
        awards=list(awards),
    )
    for award in awards[1:]:
        if award.recipient != winner.name:
            # An organisation renamed since: the latest name leads, earlier ones stay listed.
            if winner.name not in winner.other_names:
                winner.other_names.append(winner.name)
            winner.name = award.recipient
    return winner


def _withdrawn(source: Source, programmes) -> Withdrawn:
    document = source.document
    record = from_document(contract_withdrawn.Withdrawn, document, moment=_moment)
    kind = record.withdrawn_kind
    return Withdrawn(
        id=document["id"],
        kind=kind,
        title=document["title"],
        url=urls.document(kind, document["id"]),
        section=labels.SECTIONS[kind],
        programme=programmes.get(record.programme or ""),
        first_published_at=_moment(document["first_published_at"]),
        record=record,
    )


def web_url(value: str) -> str:
    """`value` if it is an http(s) address a link may point at, else ""."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and value.isprintable():
        return value if " " not in value else ""
    return ""


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@functools.cache
def _moment(value: str) -> datetime:
    """A timestamp in China time, whatever offset the file wrote it with. Remembered
    (datetimes are immutable): files repeat timestamps, and an incremental build
    assembles the model again for each publish."""
    return datetime.fromisoformat(value).astimezone(CHINA)
