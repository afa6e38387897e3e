"""What makes a feed entry: the rules of docs/timestamps.md, drawn from the site's model.

- Every published call, notice, decision and revocation is an entry. Its id is its
  permanent uuid, so a corrected or revoked item keeps its id; it is published when it
  first went public, as the server recorded it.
- A major change (重大更正) is an entry of its own, its change note the summary, with an
  id made from the item's uuid and the change's recorded time; it also moves the item's
  own entry's `updated`.
- A revocation is an entry, and moves the revoked decision's entry's `updated`; that
  entry's summary and content then say which award was revoked, linking to it.
- A minor change makes no entry and moves no date.

Every date here was recorded by the CMS's server; nothing reads the clock. Links are
site paths: feeds.py makes them absolute.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup, escape

from gongshi.contract import records

from . import labels, urls
from .formatting import (
    chinese_day,
    file_size,
    moment,
    notice_period,
    period,
    period_rule,
    score,
    validity,
    yuan,
)
from .model import Attachment, Call, Change, Decision, Document, Notice, Revocation, Site

# The kinds of entry, each with a feed of its own.
KINDS = {
    "calls": "申报通知",
    "notices": "公示",
    "decisions": "表彰决定",
    "revocations": "撤销公告",
    "corrections": "更正",
}
DOCUMENT_KINDS = {
    "call": "calls",
    "notice": "notices",
    "decision": "decisions",
    "revocation": "revocations",
}
CHANGES_ANCHOR = "#changes-heading"  # the 更新记录 section of a document page


class EntryInvalid(ValueError):
    """A document that cannot become a valid entry; the message names its file."""


@dataclass(frozen=True)
class Category:
    term: str  # a stable code: programme slug, kind, year
    label: str  # what a reader sees
    scheme: str | None  # site path naming the set of categories it belongs to


@dataclass(frozen=True)
class FeedEntry:
    id: str  # urn:uuid:..., never derived from a title or a slug
    kind: str  # a key of KINDS
    programme: str  # slug
    title: str
    url: str  # site path of the page it links to
    published: datetime
    updated: datetime
    author: str
    summary: str  # plain text
    content_html: str  # sanitised again, with absolute links, by feeds.py
    categories: tuple[Category, ...]
    document_number: str  # 文号
    attachments: tuple[Attachment, ...]
    source: str  # the content file it comes from, named when it cannot be written

    @property
    def order_key(self) -> tuple:
        """Feeds list entries newest first by when they were published; the id breaks
        ties so the order never depends on the order files were read in."""
        return (self.published, self.id)


def entries_by_document(site: Site) -> dict[tuple, list[FeedEntry]]:
    """Every entry of the site's feeds, by the key of its document ((kind, id)): the
    document's publication, then its corrections."""
    return {
        (document.kind, document.id): document_entries(document)
        for document in [*site.calls, *site.notices, *site.decisions, *site.revocations]
    }


def document_entries(document: Document) -> list[FeedEntry]:
    """A document's entries: its publication, then its corrections, oldest first."""
    return [
        document_entry(document),
        *(correction_entry(document, change) for change in corrections(document)),
    ]


def corrections(document: Document) -> list[Change]:
    """The major changes after the first publication, oldest first."""
    return [
        change for change in document.changes if change.is_major and not change.is_first_publication
    ]


def revocations_of(document: Document) -> list[Revocation]:
    if not isinstance(document, Decision):
        return []
    return [award.revocation for award in document.revoked_awards]


def document_entry(document: Document) -> FeedEntry:
    moments = [
        document.first_published_at,
        *(change.published_at for change in corrections(document)),
        *(revocation.first_published_at for revocation in revocations_of(document)),
    ]
    return FeedEntry(
        id=f"urn:uuid:{_uuid(document)}",
        kind=DOCUMENT_KINDS[document.kind],
        programme=document.programme.slug,
        title=document.title,
        url=document.url,
        published=document.first_published_at,
        updated=max(moments),
        author=document.issuing_body,
        summary=summary(document),
        content_html=content_html(document),
        categories=categories(document, DOCUMENT_KINDS[document.kind]),
        document_number=document.document_number,
        attachments=tuple(document.attachments),
        source=source(document),
    )


def correction_entry(document: Document, change: Change) -> FeedEntry:
    """A correction is news of its own: subscribers to 更正 see every one of them."""
    # uuid5 of the item's uuid and the instant the server recorded: the same correction
    # gets the same id in every build, whatever offset the file wrote the time with.
    instant = change.published_at.astimezone(UTC).isoformat()
    entry_id = uuid.uuid5(_uuid(document), f"correction {instant}")
    body = _html(
        '<p><strong>更正说明：</strong>{}</p><p>更正时间：{}。<a href="{}">查看更新记录</a></p>',
        change.note,
        moment(change.published_at),
        document.url + CHANGES_ANCHOR,
    )
    return FeedEntry(
        id=f"urn:uuid:{entry_id}",
        kind="corrections",
        programme=document.programme.slug,
        title=f"更正：{document.title}",
        url=document.url + CHANGES_ANCHOR,
        published=change.published_at,
        updated=change.published_at,
        author=document.issuing_body,
        summary=change.note,
        content_html=str(body + _content(document)),
        categories=categories(document, "corrections"),
        document_number=document.document_number,
        attachments=tuple(document.attachments),
        source=source(document),
    )


def summary(document: Document) -> str:
    """The document's summary, and what a subscriber must know without opening it: the
    publicity window, the deadline, a revoked award, the latest correction."""
    parts = [_sentence(document.summary.strip() or document.title)]
    if isinstance(document, Notice):
        parts.append(f"公示期：{notice_period(document)}。")
    if isinstance(document, Call):
        parts.append(f"申报截止：{chinese_day(document.application_deadline)}。")
    for revocation in revocations_of(document):
        award = revocation.award
        parts.append(
            f"已撤销：{award.recipient}的{award.citation}"
            f"（{_reference(revocation)}，{chinese_day(revocation.date_signed)}）。"
        )
    latest = corrections(document)[-1:]
    for change in latest:
        parts.append(f"更正（{moment(change.published_at)}）：{_sentence(change.note)}")
    return "".join(parts)


def content_html(document: Document) -> str:
    """The document in full as HTML: its facts, what changed, its body, its lists and
    attachments. Every value is escaped; the body was sanitised when it was read."""
    return str(_content(document))


def _content(document: Document) -> Markup:
    html = Markup("")
    for revocation in revocations_of(document):
        award = revocation.award
        html += _html(
            '<p><strong>已撤销：</strong>{}的{}，见<a href="{}">{}</a>（{}）。</p>',
            award.recipient,
            award.citation,
            revocation.url,
            revocation.title,
            _reference(revocation),
        )
    html += _facts(document)
    if isinstance(document, Revocation):
        html += _revocation_details(document)
    if document.body_html:
        html += Markup(document.body_html)
    if isinstance(document, Notice) and document.entries:
        html += _table(
            "公示名单",
            ("名称", "地区", "奖项", "得分"),
            [
                (entry.name, entry.region, entry.level, score(entry.score, entry.bonus))
                for entry in document.entries
            ],
        )
    if isinstance(document, Decision) and document.awards:
        html += _table(
            "获奖名单",
            ("获奖者", "奖项", "地区", "奖金", "有效期", "状态"),
            [
                (
                    award.recipient,
                    award.level,
                    award.region,
                    yuan(award.prize_money_yuan),
                    validity(award.valid_from, award.valid_until),
                    "已撤销" if award.revocation else "",
                )
                for award in document.awards
            ],
        )
    if document.attachments:
        items = Markup("").join(
            _html(
                '<li><a href="{}">{}</a>（{}，{}）</li>',
                attachment.url,
                attachment.title,
                attachment.format,
                file_size(attachment.size),
            )
            for attachment in document.attachments
        )
        html += _html("<h2>附件</h2><ul>{}</ul>", items)
    changes = corrections(document)
    if changes:
        items = Markup("").join(
            _html("<li>{}：{}</li>", moment(change.published_at), change.note) for change in changes
        )
        html += _html("<h2>更正记录</h2><ul>{}</ul>", items)
    return html


def categories(document: Document, kind: str) -> tuple[Category, ...]:
    programme = document.programme
    return (
        Category(programme.slug, programme.title, urls.PROGRAMMES),
        Category(kind, KINDS[kind], urls.SUBSCRIBE),
        Category(str(document.year), f"{document.year}年", None),
    )


def source(document: Document) -> str:
    return f"{urls.document(document.kind, document.id).strip('/')}（{document.title}）"


def _facts(document: Document) -> Markup:
    facts = [
        ("文号", document.document_number),
        ("发布机构", document.issuing_body),
        ("成文日期", chinese_day(document.date_signed)),
        ("评选项目", document.programme.title),
        ("届次", document.edition.title if document.edition else ""),
    ]
    if isinstance(document, Notice):
        facts += [
            ("公示类型", labels.NOTICE_TYPES.get(document.notice_type, "")),
            ("公示期", notice_period(document)),
            ("公示期依据", period_rule(document)),
            *(
                (
                    "公示期更正",
                    f"{moment(c.published_at)}起由"
                    f"{period(c.previous_start_date, c.previous_end_date, c.previous_working_days)}"
                    f"改为{period(c.start_date, c.end_date, c.working_days)}，原因：{c.reason}",
                )
                for c in document.period_corrections
            ),
            *records.labelled(document.record),
        ]
    if isinstance(document, Call):
        facts += [
            ("申报截止", chinese_day(document.application_deadline)),
            ("申报方式", document.how_to_apply),
        ]
    items = Markup("").join(
        _html("<li><strong>{}：</strong>{}</li>", label, value) for label, value in facts if value
    )
    return _html("<ul>{}</ul>", items)


def _revocation_details(revocation: Revocation) -> Markup:
    award = revocation.award
    grounds = "；".join(
        f"{ground.text}（{ground.article}）" if ground.article else ground.text
        for ground in revocation.grounds
    )
    facts = [
        ("撤销理由", grounds),
        ("事实", revocation.facts),
        ("依据", revocation.legal_basis),
        ("禁止申报至", chinese_day(revocation.barred_until)),
    ]
    items = Markup("").join(
        _html("<li><strong>{}：</strong>{}</li>", label, value) for label, value in facts if value
    )
    return _html(
        '<p>被撤销的奖项：{}的{}，见<a href="{}">{}</a>。</p><ul>{}</ul>',
        award.recipient,
        award.citation,
        award.decision.url,
        award.decision.title,
        items,
    )


def _table(caption: str, headers: tuple[str, ...], rows: list[tuple]) -> Markup:
    head = Markup("").join(_html('<th scope="col">{}</th>', h) for h in headers)
    body = Markup("").join(
        _html("<tr>{}</tr>", Markup("").join(_html("<td>{}</td>", cell) for cell in row))
        for row in rows
    )
    return _html(
        "<table><caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        caption,
        head,
        body,
    )


def _html(template: str, *values) -> Markup:
    """Markup(template).format(*values): each value escaped, unless it is markup. The
    values are escaped first and put in with str.format, which is ten times faster than
    markupsafe's formatter (it made most of a large site's feed entries' cost)."""
    return Markup(template.format(*map(escape, values)))


def _reference(document: Document) -> str:
    return document.document_number or document.title


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；", ".", "!", "?")) else text + "。"


def _uuid(document: Document) -> uuid.UUID:
    try:
        return uuid.UUID(document.uuid)
    except ValueError:
        raise EntryInvalid(f"{source(document)}：uuid 不是有效的 UUID：{document.uuid!r}") from None
