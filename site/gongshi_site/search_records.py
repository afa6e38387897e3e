"""The search index, built with the site from the same model the pages are drawn from.

Built here, inside the build, rather than from content/ afterwards: the model already
joins awards to their winners (former names included), decisions and revocations, and
knows every URL, so a search result says and links exactly what the pages do
(docs/adr/0006-search-service.md). The index goes to the build's own directory beside
the output (GONGSHI_SEARCH_DIR, set by site/gongshi_site/atomic.py), never into the public
output; a failure here fails the build, and the live site stays as it was.

With it go the pages' shells: the theme's base.html around a placeholder, for the search
service to fill with its results, so its pages look like the site's without it needing
Pelican or the theme.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from gongshi.search import documents, engine
from gongshi.search.documents import Record, SuggestionCounts, plain_text
from gongshi.search.render import TITLE_MARK

from . import credentials, labels, noted, urls
from .model import Award, Document, Notice, Revocation, Site
from .pages import HOME_CRUMB, Page

SEARCH_URL = "/search/"
VERIFY_URL = "/verify/"
NOTED = "search"  # the name of the file the build notes its records in (noted.py)
SHELLS = {"search": ("shell-search.html", SEARCH_URL), "verify": ("shell-verify.html", VERIFY_URL)}


def build_index(site: Site, directory: Path, render, state_dir: Path | None = None) -> int:
    """Write the index, its side files and the shells into `directory`; `render(page)`
    renders a Page with the site's templates. With a `state_dir`, note there each
    record's digest and suggestion words for the worker (noted.py: read by
    incremental_search.py). Returns the number of records."""
    records = list(all_records(site))
    counted = SuggestionCounts.of(records)
    count = engine.build(directory, records, extra_files(site, counted.suggestions()))
    for file_name, html in shells(render).items():
        (directory / file_name).write_text(html, encoding="utf-8")
    if state_dir is not None:
        words = counted.words()
        kept = {record.key: (fields_digest(record), words[record.key]) for record in records}
        noted.keep(state_dir, NOTED, kept)
    return count


def fields_digest(record: Record) -> bytes:
    """What tells an indexed record from its next version: a digest of its fields."""
    return hashlib.blake2b(repr(record.fields()).encode(), digest_size=16).digest()


def extra_files(site: Site, suggestions: dict[str, str]) -> dict:
    """The JSON files beside the index: {file name: value}; `suggestions` as
    SuggestionCounts.suggestions() makes them of the records."""
    return {
        "coverage.json": coverage(site),
        "credentials.json": credentials.lookup(site.awards),
        "suggestions.json": suggestions,
        "programmes.json": [
            {"slug": p.slug, "title": p.title, "levels": sorted({lv.name for lv in p.levels})}
            for p in site.programmes
        ],
    }


def shells(render) -> dict[str, str]:
    """{file name: HTML} of the search pages' shells."""
    found = {}
    for section, (file_name, url) in SHELLS.items():
        page = Page(
            url=url,
            template="search_shell",
            title=TITLE_MARK,
            section=section,
            breadcrumbs=[HOME_CRUMB],
            in_sitemap=False,
        )
        found[file_name] = render(page)
    return found


def all_records(site: Site) -> Iterator[Record]:
    for award in site.awards:
        yield award_record(award)
    for document in [*site.calls, *site.notices, *site.decisions, *site.revocations]:
        yield document_record(document)


def award_record(award: Award) -> Record:
    winner = award.winner
    decision = award.decision
    revocation = award.revocation
    names = list(dict.fromkeys([winner.name, award.recipient, *winner.other_names]))
    edition = decision.edition.title if decision.edition else ""
    text = [
        award.credit_code,
        award.programme.title,
        award.level,
        award.citation,
        edition,
        award.region,
        decision.title,
        decision.document_number,
        decision.issuing_body,
    ]
    if revocation:
        text += ["已撤销", revocation.title, revocation.document_number, revocation.reason]
    return Record(
        key=f"award:{award.id}",
        kind="award",
        names=names,
        text=text,
        day=decision.date_signed,
        programme=award.programme.slug,
        level=award.level,
        year=award.year,
        codes=[award.credit_code],  # a 文号 ranks its own document first, not its awards
        valid_until=award.valid_until,
        revoked_on=revocation.date_signed if revocation else None,
        data={
            "kind": "award",
            "title": winner.name,
            "url": winner.url,
            "names_then": award.recipient,
            "former_names": winner.other_names,
            "all_names": names,
            "credit_code": winner.credit_code,
            "category": labels.CATEGORIES[award.category],
            "programme": award.programme.slug,
            "programme_title": award.programme.title,
            "year": award.year,
            "level": award.level,
            "citation": award.citation,
            "edition": edition,
            "date": decision.date_signed.isoformat(),
            "valid_from": award.valid_from.isoformat(),
            "valid_until": award.valid_until.isoformat() if award.valid_until else None,
            "decision": _reference(decision),
            "revocation": {**_reference(revocation), "reason": revocation.reason}
            if revocation
            else None,
        },
    )


def _reference(document: Document) -> dict:
    return {
        "title": document.title,
        "url": document.url,
        "document_number": document.document_number,
        "issuing_body": document.issuing_body,
        "date": document.date_signed.isoformat(),
    }


def document_record(document: Document) -> Record:
    body = plain_text(document.body_html)
    text = [
        document.document_number,
        document.index_number,
        document.issuing_body,
        document.programme.title,
        document.edition.title if document.edition else "",
        document.summary,
        body,
    ]
    codes = []
    if isinstance(document, Notice):
        text.append(labels.NOTICE_TYPES[document.notice_type])
        for entry in document.entries:
            text += [entry.name, entry.credit_code, entry.level, entry.region]
            codes.append(entry.credit_code)
    if document.kind == "decision":
        for award in document.awards:
            text += [award.recipient, award.credit_code, award.level, award.region]
            codes.append(award.credit_code)
    if isinstance(document, Revocation):
        award = document.award
        text += [award.recipient, award.credit_code, award.citation, document.reason]
        text += [document.facts, document.legal_basis]
        codes.append(award.credit_code)
    kind_label = (
        labels.NOTICE_TYPES[document.notice_type]
        if isinstance(document, Notice)
        else labels.SECTIONS[document.kind]
    )
    excerpt = "\n".join(part for part in (document.summary, body) if part)
    return Record(
        key=f"{document.kind}:{document.id}",
        kind=document.kind,
        names=[document.title],
        text=text,
        summary=document.summary,
        day=document.date_signed,
        programme=document.programme.slug,
        year=document.edition.year if document.edition else document.date_signed.year,
        codes=codes,
        # The 索引号 is the catalogue's number of the document, found as its 文号 is.
        document_numbers=[document.document_number, document.index_number],
        data={
            "kind": document.kind,
            "kind_label": kind_label,
            "title": document.title,
            "url": document.url,
            "programme": document.programme.slug,
            "programme_title": document.programme.title,
            "year": document.edition.year if document.edition else document.date_signed.year,
            "document_number": document.document_number,
            "index_number": document.index_number,
            "issuing_body": document.issuing_body,
            "date": document.date_signed.isoformat(),
            "excerpt": excerpt[: documents.EXCERPT_CHARS],
        },
    )


def coverage(site: Site) -> dict:
    """What a verification can vouch for: each programme's editions with a published
    decision, and where to report a claim that looks false."""
    programmes = []
    for programme in site.programmes:
        decided = {}
        for decision in programme.decisions:
            year = decision.edition.year if decision.edition else decision.date_signed.year
            title = decision.edition.title if decision.edition else f"{year}年度"
            decided[year] = title
        programmes.append(
            {
                "slug": programme.slug,
                "title": programme.title,
                "url": programme.url,
                "editions": [{"year": year, "title": decided[year]} for year in sorted(decided)],
            }
        )
    return {"programmes": programmes, "reporting_url": urls.REPORTING, "winners_url": urls.WINNERS}
