"""The notice's typed record against the files it defines: every fixture notice reads
into the record and writes back to the same bytes, and the checks made from the record
refuse what the hand-written table refused."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from gongshi.contract import (
    call,
    channel,
    check,
    decision,
    home,
    load,
    notice,
    programme,
    records,
    revocation,
    schema,
    tables,
    withdrawn,
)
from gongshi.rules.identity import RECIPIENT_ID

FIXTURE = Path(__file__).resolve().parents[2] / "site" / "fixture_content" / "notices"
NOTICE_FILES = sorted(FIXTURE.glob("*.md"))
CALL_FILES = sorted((FIXTURE.parent / "calls").glob("*.md"))
CHANNEL_FILES = sorted((FIXTURE.parent / "channels").glob("*.md"))
REVOCATION_FILES = sorted((FIXTURE.parent / "revocations").glob("*.md"))
DECISION_FILES = sorted((FIXTURE.parent / "decisions").glob("*.md"))
WITHDRAWN_FILES = sorted((FIXTURE.parent / "withdrawn").glob("*.md"))


def _reads_and_writes_back(path: Path, record_type: type):
    """The record of the checked fixture file `path`, after checking that writing it gives
    back the file's own fields, byte for byte as JSON."""
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    assert check(document) == []
    record = records.from_document(record_type, document)
    own = {name: document[name] for name in records.names(record_type)}
    again = records.as_document(record)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(own, ensure_ascii=False)
    return record


def _own(document: dict) -> dict:
    return {name: document[name] for name in records.names(notice.Notice)}


@pytest.mark.parametrize("path", NOTICE_FILES, ids=lambda path: path.name)
def test_a_notice_reads_into_the_record_and_writes_back_the_same(path):
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    record = records.from_document(notice.Notice, document)
    assert isinstance(record.start_date, date)
    assert all(isinstance(entry, notice.Entry) for entry in record.entries)
    again = records.as_document(record)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(_own(document), ensure_ascii=False)


def test_a_corrected_notice_reads_and_writes_back_the_same():
    path = NOTICE_FILES[0]
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    correction = {
        "published_at": "2024-06-03T09:30:15+08:00",
        "previous_start_date": document["start_date"],
        "previous_end_date": None,
        "previous_working_days": None,
        "start_date": document["start_date"],
        "end_date": document["end_date"],
        "working_days": document["working_days"],
        "reason": "延长公示期",
    }
    corrected = {**document, "period_corrections": [correction]}
    assert check(corrected) == []
    record = records.from_document(notice.Notice, corrected)
    assert isinstance(record.period_corrections[0].published_at, datetime)
    assert records.as_document(record) == _own(corrected)


def test_the_checked_fields_are_the_records_in_file_order():
    own = list(schema.KINDS["notice"])[-len(records.names(notice.Notice)) :]
    assert own == list(records.names(notice.Notice))
    assert list(schema.PERIOD_RULE) == list(records.names(notice.PeriodRule))


def test_a_record_writes_moments_to_the_second_with_their_offset():
    moment = datetime(2024, 6, 3, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    correction = notice.PeriodCorrection(
        published_at=moment,
        previous_start_date=date(2024, 6, 1),
        previous_end_date=None,
        previous_working_days=None,
        start_date=date(2024, 6, 1),
        end_date=date(2024, 6, 14),
        working_days=10,
        reason="延长",
    )
    written = records.as_document(correction)
    assert written["published_at"] == "2024-06-03T09:30:15+08:00"
    assert written["previous_end_date"] is None and written["end_date"] == "2024-06-14"
    read = records.from_document(
        notice.PeriodCorrection, written, moment=lambda text: datetime.fromisoformat(text)
    )
    assert read == dataclasses.replace(correction, published_at=moment.replace(microsecond=0))
    assert read.published_at.astimezone(UTC).hour == 1


def test_the_open_data_entry_leaves_out_the_recipient_id():
    entry = notice.Entry("示例公司", "o-0123456789ab", "", "organisation", "", "运城", 90, None)
    published = records.open_data(entry)
    assert list(published) == [
        "name",
        "credit_code",
        "category",
        "level",
        "region",
        "score",
        "bonus",
    ]
    assert records.as_document(entry)["recipient_id"] == "o-0123456789ab"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"objection_method": None}, "objection_method"),  # text: may be empty, not null
        ({"start_rule": "later"}, "start_rule"),  # choices
        ({"working_days": -1}, "working_days"),
        ({"start_date": "2024-6-1"}, "start_date"),
        ({"period_rule": {"notice_type": "accepted"}}, "period_rule.name"),
        ({"surprise": 1}, "surprise"),  # unknown fields are refused
    ],
)
def test_the_checks_made_from_the_record_refuse_a_broken_notice(change, field):
    path = NOTICE_FILES[0]
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    problems = check({**document, **change})
    assert field in [name for name, _message in problems], problems


def test_an_empty_objection_method_is_allowed_and_an_empty_name_is_not():
    path = NOTICE_FILES[0]
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    assert check({**document, "objection_method": ""}) == []
    entries = [{**document["entries"][0], "name": " "}]
    assert [name for name, _ in check({**document, "entries": entries})] == ["entries[0].name"]


# The call (gongshi/contract/call.py): the same pattern, one kind at a time.


def test_the_call_table_equals_the_hand_written_one_it_replaces():
    hand_written = tables.fields(
        tables.Field("application_deadline", tables.DATE),
        tables.Field("how_to_apply", tables.TEXT),
    )
    assert records.table(call.Call) == hand_written
    assert schema.KINDS["call"] == tables.fields(*schema.DOCUMENT.values(), *hand_written.values())


@pytest.mark.parametrize("path", CALL_FILES, ids=lambda path: path.name)
def test_a_call_reads_into_the_record_and_writes_back_the_same(path):
    record = _reads_and_writes_back(path, call.Call)
    assert isinstance(record.application_deadline, date)


def test_the_checks_made_from_the_call_record_refuse_a_broken_call():
    document, _body = load(CALL_FILES[0].read_text(encoding="utf-8"), str(CALL_FILES[0]))
    assert check({**document, "how_to_apply": ""}) == []
    for change, field in [
        ({"how_to_apply": None}, "how_to_apply"),
        ({"application_deadline": "2024-6-1"}, "application_deadline"),
        ({"application_deadline": None}, "application_deadline"),
    ]:
        assert field in [name for name, _ in check({**document, **change})], change


# The revocation (gongshi/contract/revocation.py).


def test_the_revocation_table_equals_the_hand_written_one_it_replaces():
    F, STR, TEXT = tables.Field, tables.STR, tables.TEXT
    hand_written = tables.fields(
        F(
            "award",
            tables.fields(
                F("id", tables.INT),
                F("decision", tables.INT),
                F("recipient", STR),
                F("recipient_id", STR, pattern=RECIPIENT_ID),
                F("credit_code", TEXT),
                F("level", STR),
                F("citation", STR),
            ),
        ),
        F("grounds", [tables.fields(F("text", STR), F("article", TEXT))]),
        F("facts", STR),
        F("legal_basis", STR),
        F("certificate_recovered", tables.BOOL),
        F("money_clawed_back", tables.BOOL),
        F("money_clawed_back_yuan", tables.INT, nullable=True),
        F("barred_until", tables.DATE, nullable=True),
    )
    assert records.table(revocation.Revocation) == hand_written
    whole = tables.fields(*schema.DOCUMENT.values(), *hand_written.values())
    assert schema.KINDS["revocation"] == whole


@pytest.mark.parametrize("path", REVOCATION_FILES, ids=lambda path: path.name)
def test_a_revocation_reads_into_the_record_and_writes_back_the_same(path):
    record = _reads_and_writes_back(path, revocation.Revocation)
    assert isinstance(record.award, revocation.RevokedAward)
    assert all(isinstance(ground, revocation.Ground) for ground in record.grounds)


# The reporting channel (gongshi/contract/channel.py).


def test_the_channel_table_equals_the_hand_written_one_it_replaces():
    F, STR, TEXT = tables.Field, tables.STR, tables.TEXT
    nullable_int = {"nullable": True}
    hand_written = tables.fields(
        F("programme", STR, pattern=schema.SLUG),
        F("name", STR),
        F("phone", TEXT),
        F("email", TEXT),
        F("postal_address", TEXT),
        F("postcode", TEXT),
        F("office", TEXT),
        F("office_hours", TEXT),
        F("report_contents", STR),
        F("anonymous_accepted", tables.BOOL),
        F("real_name_encouraged", tables.BOOL),
        F("deadline_rule", TEXT),
        F("procedure", STR),
        F("acknowledge_within_working_days", tables.INT, **nullable_int),
        F("conclude_within_working_days", tables.INT, **nullable_int),
        F("confidentiality_promise", STR),
        F("legal_basis", TEXT),
    )
    assert records.table(channel.Channel) == hand_written
    assert schema.KINDS["channel"] == hand_written


@pytest.mark.parametrize("path", CHANNEL_FILES, ids=lambda path: path.name)
def test_a_channel_reads_into_the_record_and_writes_back_the_same(path):
    _reads_and_writes_back(path, channel.Channel)


# The award decision (gongshi/contract/decision.py).


def test_the_decision_table_equals_the_hand_written_one_it_replaces():
    F, STR, TEXT = tables.Field, tables.STR, tables.TEXT
    award = tables.fields(
        F("id", tables.INT),
        F("recipient", STR),
        F("recipient_id", STR, pattern=RECIPIENT_ID),
        F("credit_code", TEXT),
        F("category", STR, choices=schema.CATEGORY),
        F("level", STR),
        F("region", TEXT),
        F("score", tables.INT, nullable=True),
        F("bonus", tables.INT, nullable=True),
        F("prize", TEXT),
        F("prize_money_yuan", tables.INT, nullable=True),
        F("is_repeat", tables.BOOL),
        F("valid_from", tables.DATE),
        F("valid_until", tables.DATE, nullable=True),
        F("citation", STR),
    )
    hand_written = tables.fields(F("awards", [award]))
    assert records.table(decision.Decision) == hand_written
    whole = tables.fields(*schema.DOCUMENT.values(), *hand_written.values())
    assert schema.KINDS["decision"] == whole


@pytest.mark.parametrize("path", DECISION_FILES, ids=lambda path: path.name)
def test_a_decision_reads_into_the_record_and_writes_back_the_same(path):
    record = _reads_and_writes_back(path, decision.Decision)
    assert record.awards and all(isinstance(a, decision.Award) for a in record.awards)
    assert all(isinstance(award.valid_from, date) for award in record.awards)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda award: award.update(valid_until="2020-13-01"), "awards[0].valid_until"),
        (lambda award: award.update(prize_money_yuan=-1), "awards[0].prize_money_yuan"),
        (lambda award: award.update(is_repeat="no"), "awards[0].is_repeat"),
        (lambda award: award.update(citation=" "), "awards[0].citation"),
        (lambda award: award.update(category="team"), "awards[0].category"),
        (lambda award: award.pop("prize"), "awards[0].prize"),
    ],
)
def test_the_checks_made_from_the_decision_record_refuse_a_broken_decision(change, field):
    document, _body = load(DECISION_FILES[0].read_text(encoding="utf-8"), str(DECISION_FILES[0]))
    change(document["awards"][0])
    assert field in {path for path, _message in check(document)}


# The withdrawn item's record (gongshi/contract/withdrawn.py).


def test_the_withdrawn_table_equals_the_hand_written_one_it_replaces():
    F, STR = tables.Field, tables.STR
    kinds = ("call", "notice", "decision", "revocation")
    hand_written = tables.fields(
        F("withdrawn_kind", STR, choices=kinds),
        F("programme", STR, nullable=True, pattern=schema.SLUG),
        F("document_number", tables.TEXT),
        F("index_number", STR, nullable=True, pattern=tables.INDEX_NUMBER),
        F("withdrawn_at", tables.DATETIME),
        F("reason", STR),
    )
    assert records.table(withdrawn.Withdrawn) == hand_written
    assert schema.KINDS["withdrawn"] == hand_written


@pytest.mark.parametrize("path", WITHDRAWN_FILES, ids=lambda path: path.name)
def test_a_withdrawn_item_reads_into_the_record_and_writes_back_the_same(path):
    record = _reads_and_writes_back(path, withdrawn.Withdrawn)
    assert isinstance(record.withdrawn_at, datetime)


# The home page and the site's identity (gongshi/contract/home.py).


def test_the_home_table_equals_the_hand_written_one_it_replaces():
    F, TEXT = tables.Field, tables.TEXT
    identity = tables.fields(
        F("sponsor", TEXT),
        F("organiser", TEXT),
        F("phone", TEXT),
        F("email", TEXT),
        F("address", TEXT),
        F("icp_number", TEXT),
        F("police_number", TEXT),
        F("police_url", TEXT, pattern=home._POLICE_RECORD_OR_EMPTY),
        F("site_id_code", TEXT),
        F("party_government", tables.BOOL),
        F("conac_url", TEXT, pattern=home._WEB_URL_OR_EMPTY),
    )
    hand_written = tables.fields(
        F("site_name", tables.STR), F("introduction", TEXT), F("identity", identity)
    )
    assert records.table(home.Home) == hand_written
    assert schema.KINDS["home"] == hand_written


def test_the_home_page_reads_into_the_record_and_writes_back_its_fields():
    path = FIXTURE.parent / "home.md"
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    assert check(document) == []
    record = records.from_document(home.Home, document)
    assert isinstance(record.identity, home.Identity)
    own = {name: document[name] for name in records.names(home.Home)}
    # The same values; the CMS writes the 公安 link last (the fixture was written by hand).
    assert records.as_document(record) == own


@pytest.mark.parametrize(
    ("field", "value"),
    [("police_url", "https://evil.example/"), ("conac_url", "javascript:alert(1)")],
)
def test_the_checks_made_from_the_home_record_refuse_a_foreign_link(field, value):
    path = FIXTURE.parent / "home.md"
    document, _body = load(path.read_text(encoding="utf-8"), str(path))
    document["identity"][field] = value
    assert f"identity.{field}" in {place for place, _message in check(document)}


# The programme (gongshi/contract/programme.py).


def test_the_programme_table_equals_the_hand_written_one_it_replaces():
    F, STR, TEXT, INT, DATE = tables.Field, tables.STR, tables.TEXT, tables.INT, tables.DATE
    hand_written = tables.fields(
        F("slug", STR, pattern=schema.SLUG),
        F("level", STR, choices=("province", "city", "district", "county")),
        F("region", STR),
        F("organiser", STR),
        F("office", STR),
        F("supervisor", TEXT),
        F("summary", TEXT),
        F(
            "regulation",
            tables.fields(
                F("title", STR),
                F("number", TEXT),
                F("status", STR, choices=("in_force", "trial", "draft", "repealed")),
                F("issued_on", DATE, nullable=True),
                F("effective_from", DATE, nullable=True),
                F("expires_on", DATE, nullable=True),
                F("url", TEXT),
                F("replaces", TEXT),
            ),
        ),
        F("cycle_years", INT),
        F("validity_years", INT, nullable=True),
        F("publicity_kinds", [schema.PERIOD_RULE]),
        F(
            "levels",
            [
                tables.fields(
                    F("name", STR),
                    F("rank", STR, choices=("award", "nomination")),
                    F("category", STR, choices=schema.CATEGORY),
                    F("quota", INT),
                )
            ],
        ),
        F("rules", [tables.fields(F("topic", STR), F("text", STR), F("article", TEXT))]),
        F("editions", [schema.EDITION]),
        F(
            "complaint_statistics",
            [
                tables.fields(
                    F("year", INT),
                    F("received", INT),
                    F("concluded", INT),
                    F("upheld", INT),
                    F("median_days_to_conclude", INT, nullable=True),
                )
            ],
        ),
    )
    assert records.table(programme.Programme) == hand_written
    assert schema.KINDS["programme"] == hand_written
    edition = tables.fields(F("id", INT), F("number", INT), F("year", INT), F("title", STR))
    assert schema.EDITION == edition


@pytest.mark.parametrize(
    "path", sorted((FIXTURE.parent / "programmes").glob("*.md")), ids=lambda path: path.name
)
def test_a_programme_reads_into_the_record_and_writes_back_the_same(path):
    record = _reads_and_writes_back(path, programme.Programme)
    assert isinstance(record.regulation, programme.Regulation)
