"""What the public site shows, joined up: programmes with their editions and documents,
decisions with their awards, awards with their revocations and winners.

Built from content/ by assemble.py; templates, statistics and open data read only this.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from operator import attrgetter

from gongshi.contract import call as contract_call
from gongshi.contract import channel as contract_channel
from gongshi.contract import decision as contract_decision
from gongshi.contract import home as contract_home
from gongshi.contract import notice as contract_notice
from gongshi.contract import programme as contract_programme
from gongshi.contract import records
from gongshi.contract import revocation as contract_revocation
from gongshi.contract import withdrawn as contract_withdrawn
from gongshi.contract.programme import Edition

from .status import Status, award_status, call_status, publicity_status


@dataclass
class Attachment:
    title: str
    file: str  # path under content/ and on the site: attachments/<n>/<name>
    url: str
    size: int
    sha256: str

    @property
    def format(self) -> str:
        """PDF, DOCX...: what a reader needs to know before opening it."""
        _, dot, extension = self.file.rpartition(".")
        return extension.upper() if dot and extension else "文件"


@dataclass
class Change:
    published_at: datetime
    note: str
    is_major: bool
    is_first_publication: bool  # the export records the first publication as a change too


def _reading_through(record: type):
    """A class decorator: each of the `record`'s fields becomes a read-only attribute of
    the class, read from the instance's `record`. A C-level getter, not __getattr__: the
    pages read awards' and programmes' fields hundreds of thousands of times a build
    (__getattr__ costs an AttributeError raised and caught on each read)."""

    def decorate(cls):
        own = {item.name for item in dataclasses.fields(cls)}
        for name in records.names(record):
            # What the class has itself wins (a revocation's `award` is the award, the
            # record's is its id).
            if name not in own and not hasattr(cls, name):
                setattr(cls, name, property(attrgetter(f"record.{name}")))
        return cls

    return decorate


@_reading_through(contract_channel.Channel)
@dataclass
class Channel:
    """A reporting channel: its own fields are those of the contract's record
    (gongshi/contract/channel.py), read through it, but for `programme`: the programme
    itself (the record's is its slug)."""

    id: int
    programme: Programme
    record: contract_channel.Channel


@_reading_through(contract_programme.Programme)
@dataclass
class Programme:
    """A programme: its own fields are those of the contract's record
    (gongshi/contract/programme.py), read through it (`programme.slug` is
    `programme.record.slug`); the site adds its documents and channels."""

    id: int
    title: str
    url: str
    body_html: str
    first_published_at: datetime
    last_published_at: datetime
    record: contract_programme.Programme
    calls: list[Call] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    revocations: list[Revocation] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)

    @property
    def awards(self) -> list[Award]:
        return [award for decision in self.decisions for award in decision.awards]


# Documents are listed newest first by this key (a C-level getter: it sorts lists of tens
# of thousands on every publish).
SORT_KEY = attrgetter("date_signed", "first_published_at", "id")


@dataclass
class Document:
    """What calls, notices, decisions and revocations share: an official document."""

    kind: str
    id: int
    uuid: str  # permanent identity across systems: feed entry ids come from it
    title: str
    url: str
    section: str  # 公示公告, 表彰决定...: breadcrumbs and <meta name="ColumnName">
    programme: Programme
    edition: Edition | None
    index_number: str  # 索引号 of the government-information catalogue, never changed
    document_number: str
    issuing_body: str
    date_signed: date
    summary: str
    attachments: list[Attachment]
    changes: list[Change]
    body_html: str
    first_published_at: datetime
    last_published_at: datetime

    @property
    def year(self) -> int:
        """The year it is filed under in listings: the year it was signed."""
        return self.date_signed.year

    @property
    def sort_key(self) -> tuple:
        """Newest first, whatever the order the CMS published in."""
        return SORT_KEY(self)


@_reading_through(contract_call.Call)
@dataclass
class Call(Document):
    """A call for applications: its own fields are those of the contract's record
    (gongshi/contract/call.py), read through it as a notice's are."""

    record: contract_call.Call = None
    status: Status = None

    def status_on(self, day: date) -> Status:
        return call_status(self.record.application_deadline, day)

    @property
    def listing_type(self) -> str:
        return "call"


@_reading_through(contract_notice.Notice)
@dataclass
class Notice(Document):
    """A publicity notice: its own fields are those of the contract's record
    (gongshi/contract/notice.py), read through it (`notice.start_date` is
    `notice.record.start_date`)."""

    record: contract_notice.Notice = None
    status: Status = None
    days_left: int | None = None

    def status_on(self, day: date) -> Status:
        return publicity_status(self.record.start_date, self.record.end_date, day)

    @property
    def listing_type(self) -> str:
        return self.notice_type


@_reading_through(contract_decision.Award)
@dataclass
class Award:
    """An award: its own fields are those of the contract's record
    (gongshi/contract/decision.py), read through it (`award.level` is
    `award.record.level`); the site adds its decision, status, revocation and winner."""

    decision: Decision
    record: contract_decision.Award
    status: Status = None
    revocation: Revocation | None = None
    winner: Winner | None = None

    def status_on(self, day: date) -> Status:
        """Revoked from the day its revocation was signed; else valid until its end."""
        revoked_on = self.revocation.date_signed if self.revocation else None
        return award_status(self.valid_until, revoked_on, day)

    @property
    def programme(self) -> Programme:
        return self.decision.programme

    @property
    def year(self) -> int:
        """The award year: the edition's, as the award is cited with it."""
        edition = self.decision.edition
        return edition.year if edition else self.decision.date_signed.year


@dataclass
class Decision(Document):
    awards: list[Award] = field(default_factory=list)

    @property
    def revoked_awards(self) -> list[Award]:
        return [award for award in self.awards if award.revocation]


@_reading_through(contract_revocation.Revocation)
@dataclass
class Revocation(Document):
    """A revocation: its own fields are those of the contract's record
    (gongshi/contract/revocation.py), read through it, but for `award`: the award
    itself, as its decision lists it (the record's `award` is `record.award`)."""

    award: Award = None
    record: contract_revocation.Revocation = None

    @property
    def reason(self) -> str:
        return "；".join(ground.text for ground in self.grounds)


@dataclass
class Winner:
    """An organisation (by credit code) or a person (by the person's id, never the name)
    and every award they got."""

    key: str  # the recipient_id of its awards
    url: str
    name: str
    category: str
    credit_code: str
    awards: list[Award] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)


@_reading_through(contract_withdrawn.Withdrawn)
@dataclass
class Withdrawn:
    """An item taken down as published in error; its URL says so (410 Gone)."""

    id: int
    kind: str
    title: str
    url: str
    section: str
    programme: Programme | None
    first_published_at: datetime
    # Its own fields are those of the contract's record (gongshi/contract/withdrawn.py),
    # read through it, but for the programme: the programme itself (the record's slug).
    record: contract_withdrawn.Withdrawn = None


# No identity set (a site without a home page): every field empty, as the CMS exports it
# before 网站信息 is filled in.
NO_IDENTITY = contract_home.Identity(
    **{name: kind() for name, kind in typing.get_type_hints(contract_home.Identity).items()}
)


@_reading_through(contract_home.Identity)
@dataclass(frozen=True)
class Identity:
    """Who runs the site and how it is registered (网站信息): the contract's record
    (gongshi/contract/home.py), read through it; "" where not set, and the footer and
    meta tags then show nothing for it."""

    record: contract_home.Identity = NO_IDENTITY

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email or self.address)


@dataclass
class Home:
    site_name: str
    introduction: str
    body_html: str
    identity: Identity = field(default_factory=Identity)


@dataclass
class Site:
    home: Home
    today: date
    programmes: list[Programme]
    calls: list[Call]
    notices: list[Notice]
    decisions: list[Decision]
    revocations: list[Revocation]
    channels: list[Channel]
    winners: list[Winner]
    withdrawn: list[Withdrawn]

    @property
    def awards(self) -> list[Award]:
        return [award for decision in self.decisions for award in decision.awards]

    @cached_property
    def listed_documents(self) -> list[Call | Notice]:
        """What /notices/ lists: publicity notices and calls for applications."""
        return sorted([*self.calls, *self.notices], key=SORT_KEY, reverse=True)
