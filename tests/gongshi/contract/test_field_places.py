"""Where the notice's fields are named: a field of the publicity notice is defined once,
in its typed record (gongshi/contract/notice.py), and the exporter, the site model, the
contract's checks and the benchmark's loader carry it by the record, not by name.

A field that is only shown (as `objection_method` is) is named in its record, the CMS
column that stores it, the template that shows it and the open data that publishes it:
at most four files. Fields the regulation's rules compute with (the period's dates and
length, the kind of notice) are also named where those rules are; they are listed with
their own budget below. On failure the test prints every place, for whoever adds a field
to see what else spells it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from gongshi.contract import call, decision, notice

ROOT = Path(__file__).resolve().parents[3]
# The project's own source: not its tests, migrations (history, written once) or the
# demo's sample content (which fills fields for show: a new field needs none there).
SOURCES = ("gongshi", "cms", "site", "themes")
SUFFIXES = {".py", ".html", ".xml", ".txt"}
SKIPPED = ("/migrations/", "/demo/", "/tests/")
# Where the pipeline moves notices from the CMS to the public site: these carry fields by
# the record; a name spelt here is one more place to edit when a field is added.
PIPELINE = (
    "gongshi/contract/schema.py",
    "cms/publishing/export/rows.py",
    "site/gongshi_site/model.py",
    "site/gongshi_site/assemble.py",
    "tests/bench/bulk_load.py",
)
# The exporter maps by name only the fields its page does not store under their own
# names (rows.py finds the others by the record): these four, and the entry's identity.
MAPPED = {"notice_type", "period_rule", "period_corrections", "entries"}
EXPORTER = "cms/publishing/export/documents.py"
# Where the pipeline does something with a field besides carrying it.
USES = {
    ("notice_type", "site/gongshi_site/model.py"): "a notice is listed under its kind",
    ("notice_type", "tests/bench/bulk_load.py"): "the loader stores it as the page's kind",
    ("period_rule", "gongshi/contract/schema.py"): "a stated length needs an end date",
    ("period_corrections", "gongshi/contract/schema.py"): "corrections only lengthen",
}

SHOWN_ONLY_LIMIT = 4
# Fields that rules and views compute with, and how many places name them today (names
# shared with other records, such as start_date, are not counted: they are everywhere).
BUDGET = {
    "notice_type": 9,  # listings, filters, search facets and feed categories by kind
    "period_rule": 7,  # the exporter's mapping, formatting of the rule's wording
    "start_rule": 8,  # the period rules (gongshi/rules/publicity.py) and the CMS forms
    "period_corrections": 8,  # the CMS records them (notices/periods.py)
}
GENERIC = {"start_date", "end_date", "working_days", "entries"}


def _sources() -> dict[str, str]:
    texts = {}
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix in SUFFIXES and not any(part in f"/{relative}" for part in SKIPPED):
                texts[relative] = path.read_text(encoding="utf-8")
    return texts


SOURCE_TEXTS = _sources()


def places(name: str, texts: dict[str, str] = SOURCE_TEXTS) -> list[str]:
    """The files that name `name` as an identifier or a key (a whole word)."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)|\.{re.escape(name)}(?!\w)")
    return [path for path, text in texts.items() if word.search(text)]


NOTICE_FIELDS = [item.name for item in dataclasses.fields(notice.Notice)]
COUNTED = [name for name in NOTICE_FIELDS if name not in GENERIC]


def _report(name: str, found: list[str]) -> str:
    return f"{name} is named in {len(found)} files:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("name", COUNTED)
def test_a_notice_field_is_named_in_few_places(name):
    found = places(name)
    print(_report(name, found))
    assert "gongshi/contract/notice.py" in found
    assert len(found) <= BUDGET.get(name, SHOWN_ONLY_LIMIT), _report(name, found)


@pytest.mark.parametrize("name", COUNTED)
def test_the_pipeline_carries_notice_fields_by_the_record(name):
    texts = {path: (ROOT / path).read_text(encoding="utf-8") for path in PIPELINE}
    if name not in MAPPED:
        texts[EXPORTER] = (ROOT / EXPORTER).read_text(encoding="utf-8")
    found = [path for path in places(name, texts) if (name, path) not in USES]
    assert found == [], _report(name, found)


def test_a_shown_only_field_takes_its_record_column_template_and_open_data():
    assert places("objection_method") == [
        "gongshi/contract/notice.py",
        "cms/notices/models.py",
        "site/gongshi_site/opendata.py",
        "themes/gongshi/templates/notice.html",
    ]


def test_the_count_sees_a_field_spelt_in_a_new_place():
    texts = {**SOURCE_TEXTS, "site/gongshi_site/extra.py": 'row["objection_method"]\n'}
    assert len(places("objection_method", texts)) == len(places("objection_method")) + 1
    assert places("objection_method", {"a.py": "page.objection_methods"}) == []


# The call for applications (gongshi/contract/call.py): its two fields, carried by the
# record too. The deadline is computed with (the call's status, feed and listings); how
# to apply is only shown (its record, the CMS column, the template and the feed entry).
CALL_BUDGET = {"application_deadline": 7, "how_to_apply": SHOWN_ONLY_LIMIT}
CALL_USES = {
    ("application_deadline", "site/gongshi_site/model.py"): "a call's status from its deadline",
}


@pytest.mark.parametrize("name", [item.name for item in dataclasses.fields(call.Call)])
def test_a_call_field_is_named_in_few_places(name):
    found = places(name)
    print(_report(name, found))
    assert "gongshi/contract/call.py" in found
    assert len(found) <= CALL_BUDGET[name], _report(name, found)


@pytest.mark.parametrize("name", [item.name for item in dataclasses.fields(call.Call)])
def test_the_pipeline_carries_call_fields_by_the_record(name):
    texts = {path: (ROOT / path).read_text(encoding="utf-8") for path in (*PIPELINE, EXPORTER)}
    found = [path for path in places(name, texts) if (name, path) not in CALL_USES]
    assert found == [], _report(name, found)


# The revocation (gongshi/contract/revocation.py): its fields of its own (facts, grounds
# and legal_basis are names shared with the supervision cases and the programme's rules).
REVOCATION_BUDGET = {
    "certificate_recovered": 3,  # record, CMS column, template
    "money_clawed_back": 3,
    "money_clawed_back_yuan": 3,
    "barred_until": 7,  # the awards' rules, the CMS's form and operation, the feed
}


@pytest.mark.parametrize("name", REVOCATION_BUDGET)
def test_a_revocation_field_is_named_in_few_places(name):
    found = places(name)
    print(_report(name, found))
    assert "gongshi/contract/revocation.py" in found
    assert len(found) <= REVOCATION_BUDGET[name], _report(name, found)


# (legal_basis is left out: the reporting channel, still a table, has one too.)
@pytest.mark.parametrize("name", [*REVOCATION_BUDGET, "facts"])
def test_the_pipeline_carries_revocation_fields_by_the_record(name):
    texts = {path: (ROOT / path).read_text(encoding="utf-8") for path in (*PIPELINE, EXPORTER)}
    found = places(name, texts)
    assert found == [], _report(name, found)


# The reporting channel (gongshi/contract/channel.py): named in its record, the CMS's
# model and preview, and the two templates that show it; the pipeline carries it by the
# record (the site's Channel no longer re-spells its seventeen fields).
CHANNEL_FIELDS = ("confidentiality_promise", "acknowledge_within_working_days", "postcode")
CHANNEL_LIMIT = 5


@pytest.mark.parametrize("name", CHANNEL_FIELDS)
def test_a_channel_field_is_named_in_few_places(name):
    found = places(name)
    print(_report(name, found))
    assert "gongshi/contract/channel.py" in found
    assert len(found) <= CHANNEL_LIMIT, _report(name, found)


@pytest.mark.parametrize("name", CHANNEL_FIELDS)
def test_the_pipeline_carries_channel_fields_by_the_record(name):
    texts = {path: (ROOT / path).read_text(encoding="utf-8") for path in (*PIPELINE, EXPORTER)}
    assert places(name, texts) == [], _report(name, places(name, texts))


# The award decision (gongshi/contract/decision.py): the award's fields of its own (the
# recipient, its identity, level and region are names shared with the notice's entries
# and the revoked award). Before the record, each was also spelt in the schema, the
# exporter's column list and its document, the site model and the benchmark's loader.
AWARD_BUDGET = {
    "prize": 2,  # record, CMS column
    # the CMS's column and form, the programme's prize rules (loading, model, plain
    # words) and the feed entry that shows it
    "prize_money_yuan": 7,
    "is_repeat": 5,  # the award rules (a repeat award's quota), the CMS's form and history
    "valid_from": 11,  # the validity's wording, the open data, search, the templates
    "valid_until": 19,  # the award's status (rules, search's answers and ranking, site)
    "citation": 23,  # the award's rules cite it; the CMS's forms, pages, templates
}
# The exporter computes the citation from the edition (gongshi/rules/awards.py); the
# contract's check and the site's status read the validity.
AWARD_USES = {
    ("citation", EXPORTER): "computed from the edition's year and the level",
    ("valid_from", "gongshi/contract/schema.py"): "the validity ends after it starts",
    ("valid_until", "gongshi/contract/schema.py"): "the validity ends after it starts",
    ("valid_until", "site/gongshi_site/model.py"): "an award's status from its validity",
}


@pytest.mark.parametrize("name", AWARD_BUDGET)
def test_an_award_field_is_named_in_few_places(name):
    found = places(name)
    print(_report(name, found))
    assert "gongshi/contract/decision.py" in found
    assert len(found) <= AWARD_BUDGET[name], _report(name, found)


@pytest.mark.parametrize("name", AWARD_BUDGET)
def test_the_pipeline_carries_award_fields_by_the_record(name):
    texts = {path: (ROOT / path).read_text(encoding="utf-8") for path in (*PIPELINE, EXPORTER)}
    found = [path for path in places(name, texts) if (name, path) not in AWARD_USES]
    assert found == [], _report(name, found)


def test_every_award_field_of_its_own_is_counted():
    shared = {item.name for item in dataclasses.fields(notice.Entry)} | {"id", "recipient"}
    own = {item.name for item in dataclasses.fields(decision.Award)} - shared
    assert own == set(AWARD_BUDGET)


# The programme, the home page's identity and the withdrawn item (gongshi/contract/
# programme.py, home.py, withdrawn.py): fields the pipeline carries by the record, each
# with the places that name it today (its record, the CMS's column and form, the rules
# that compute with it, the templates that show it).
OTHER_BUDGET = {
    "cycle_years": ("programme.py", 8),  # the award rules (how often one may win again)
    "validity_years": ("programme.py", 7),  # the award rules (until when an award holds)
    "supervisor": ("programme.py", 4),
    "effective_from": ("programme.py", 3),
    "expires_on": ("programme.py", 3),
    "sponsor": ("home.py", 3),  # record, CMS column, footer
    "site_id_code": ("home.py", 4),
    "party_government": ("home.py", 3),
    "withdrawn_at": ("withdrawn.py", 5),  # the CMS orders and records withdrawals by it
}


@pytest.mark.parametrize("name", OTHER_BUDGET)
def test_a_field_of_the_other_kinds_is_named_in_few_places(name):
    module, budget = OTHER_BUDGET[name]
    found = places(name)
    print(_report(name, found))
    assert f"gongshi/contract/{module}" in found
    assert len(found) <= budget, _report(name, found)


@pytest.mark.parametrize("name", OTHER_BUDGET)
def test_the_pipeline_carries_the_other_kinds_by_the_record(name):
    texts = {path: (ROOT / path).read_text(encoding="utf-8") for path in (*PIPELINE, EXPORTER)}
    assert places(name, texts) == [], _report(name, places(name, texts))
