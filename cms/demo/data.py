"""The demo's fictitious content: accounts, the facts the programmes' data files lack,
editions with their calls, notices and decisions, revocations and reporting channels.
The content lives in the TOML files of data/ (see their comments); this module keeps the
code-level constants and reads the files into typed tables, raising DemoDataError with
the file and the entry at fault. Every page title starts with 【示例】 and every name and
文号 is invented; loader.py creates them."""

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cms.base.roles import ADMINISTRATORS, APPROVERS, EDITORS, SUPERVISORS
from cms.notices.models import PublicityNoticePage

DATA_DIR = Path(__file__).resolve().parents[1] / "programmes" / "data"
CONTENT_DIR = Path(__file__).resolve().parent / "data"  # the demo's own content

MARK = "【示例】"
DRAFT_MARK = "【草稿】"
DEMO_NOTE = "<p>（本页为演示用示例，所列单位、个人和文号均为虚构。）</p>"
PASSWORD = "gongshi-demo"
# The authenticator key (hex) of the demo accounts that must use two-factor authentication
# (approvers, supervision group); `make demo` prints it in base32 for an authenticator app,
# and `manage.py demo_code` prints its current code. Never a real account's key.
TWO_FACTOR_KEY = b"gongshi-demo-2fa-key".hex()
OPEN_NOW = "open now"  # a publicity start computed so that the period is open today
OPEN_NOW_WORKING_DAYS_AGO = 3
ON_GOING_LIVE = "on going live"  # 自发布之日起: the server fixes the start when approved
# Where the regulation states no length, the demo's offices choose one for their lists
# of winners; an accepted-applicant list (运政发〔2023〕14号 第十七条) is published without.
DEFAULT_PUBLICITY_DAYS = 7

ACCEPTED = PublicityNoticePage.Kind.ACCEPTED_APPLICANTS
CANDIDATES = PublicityNoticePage.Kind.CANDIDATES
RECOMMENDED = PublicityNoticePage.Kind.RECOMMENDED_WINNERS
ORDINALS = "零一二三四五六七八九十"

# The groups an account in accounts.toml may name.
GROUPS = {
    "administrators": ADMINISTRATORS,
    "editors": EDITORS,
    "approvers": APPROVERS,
    "supervisors": SUPERVISORS,
}


class DemoDataError(ValueError):
    """The demo data breaks a rule: fix the data files, not the rule."""


@dataclass(frozen=True)
class Facts:
    abbr: str  # first character of the fictitious 文号
    region_code: str  # administrative division code inside the fictitious credit codes
    government: str  # who signs decisions and revocations
    phone: str
    email: str
    address: str
    postcode: str


@dataclass(frozen=True)
class Edition:
    """An edition: its call, the publicity lists it shows, and its decision once decided.
    The recommended list, where there is one, lists the winners."""

    number: int
    year: int
    call: tuple[str, str]  # date signed, application deadline
    publicity: dict[str, str]  # kind -> start date (or OPEN_NOW); the others are not shown
    candidates: tuple[tuple[str, int | None], ...]  # (recipient, score)
    accepted: tuple[str, ...] = ()
    winners: tuple[tuple[str, str, int | None], ...] = ()  # (recipient, rank, score)
    decided: str | None = None  # date the decision was signed
    drafts: tuple[str, ...] = ()  # publicity kinds left unpublished


@dataclass(frozen=True)
class Revocation:
    programme: str
    year: int  # edition of the revoked award
    recipient: str
    signed: str
    grounds: tuple[str, ...]  # articles of the programme's revocation grounds
    facts: str
    recovered: str  # what is taken back
    money_clawed_back: bool


@dataclass(frozen=True)
class Channel:
    office: str
    office_hours: str
    anonymous_accepted: bool
    acknowledge_days: int
    conclude_days: int
    confidentiality: str


# --- Reading the data files --------------------------------------------------------------

_REQUIRED = object()
_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    date: "a date",
    dict: "a table",
    list: "a list",
}


def _read(name: str) -> dict[str, Any]:
    try:
        with (CONTENT_DIR / name).open("rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DemoDataError(f"{name}: {error}") from error


def _is(value: object, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is date:
        return type(value) is date
    return isinstance(value, kind)


def _check(where: str, key: str, value: object, kind: type) -> Any:
    if not _is(value, kind):
        raise DemoDataError(f"{where}: {key} must be {_TYPE_NAMES[kind]}, not {value!r}")
    return value


def _fields(where: str, entry: object, spec: dict[str, tuple[type, object]]) -> dict[str, Any]:
    """The entry's fields by spec (key -> (type, default or _REQUIRED)); dates as ISO text."""
    if not isinstance(entry, dict):
        raise DemoDataError(f"{where}: must be a table, not {entry!r}")
    unknown = sorted(set(entry) - set(spec))
    if unknown:
        raise DemoDataError(f"{where}: unknown field(s) {', '.join(unknown)}")
    fields = {}
    for key, (kind, default) in spec.items():
        if key not in entry:
            if default is _REQUIRED:
                raise DemoDataError(f"{where}: {key} is missing")
            fields[key] = default
            continue
        value = _check(where, key, entry[key], kind)
        fields[key] = value.isoformat() if kind is date else value
    return fields


def _list(where: str, key: str, value: object) -> list:
    if not isinstance(value, list):
        raise DemoDataError(f"{where}: {key} must be a list, not {value!r}")
    return value


def _row(where: str, key: str, value: object, kinds: tuple[type, ...], optional: int) -> tuple:
    """A short list read as a tuple of kinds; its last `optional` items may be left out
    (read as None)."""
    row = _list(where, key, value)
    if not len(kinds) - optional <= len(row) <= len(kinds):
        raise DemoDataError(f"{where}: {key} has the wrong number of items: {value!r}")
    for item, kind in zip(row, kinds, strict=False):
        _check(where, key, item, kind)
    return (*row, *[None] * (len(kinds) - len(row)))


def _strings(where: str, key: str, value: object) -> tuple[str, ...]:
    return tuple(_check(where, key, item, str) for item in _list(where, key, value))


def _start(where: str, kind: str, value: object) -> str:
    if value in (OPEN_NOW, ON_GOING_LIVE):
        return value
    if not _is(value, date):
        raise DemoDataError(
            f"{where}: publicity {kind} must be a date, {OPEN_NOW!r} or {ON_GOING_LIVE!r}, "
            f"not {value!r}"
        )
    return value.isoformat()


def _kind(where: str, value: object) -> PublicityNoticePage.Kind:
    try:
        return PublicityNoticePage.Kind(value)
    except ValueError:
        raise DemoDataError(f"{where}: {value!r} is not a kind of publicity notice") from None


def _accounts() -> list[tuple[str, str, str, str, bool]]:
    accounts = []
    for number, entry in enumerate(_read("accounts.toml").get("account", []), start=1):
        where = f"accounts.toml, account {number}"
        fields = _fields(
            where,
            entry,
            {
                "username": (str, _REQUIRED),
                "last_name": (str, _REQUIRED),
                "first_name": (str, _REQUIRED),
                "group": (str, _REQUIRED),
                "superuser": (bool, False),
            },
        )
        if fields["group"] not in GROUPS:
            raise DemoDataError(f"{where}: unknown group {fields['group']!r}")
        accounts.append(
            (
                fields["username"],
                fields["last_name"],
                fields["first_name"],
                GROUPS[fields["group"]],
                fields["superuser"],
            )
        )
    return accounts


def _programmes() -> tuple[dict, dict, dict, dict]:
    """FACTS, PRIZES, RECIPIENTS and CHANNELS, by programme in the file's order."""
    facts, prizes, recipients, channels = {}, {}, {}, {}
    for slug, table in _read("programmes.toml").items():
        where = f"programmes.toml, {slug}"
        table = _fields(
            where,
            table,
            {
                "facts": (dict, _REQUIRED),
                "prizes": (list, _REQUIRED),
                "recipients": (dict, _REQUIRED),
                "channel": (dict, _REQUIRED),
            },
        )
        facts[slug] = Facts(
            **_fields(
                f"{where}.facts",
                table["facts"],
                dict.fromkeys(
                    ("abbr", "region_code", "government", "phone", "email", "address", "postcode"),
                    (str, _REQUIRED),
                ),
            )
        )
        prizes[slug] = {}
        for number, entry in enumerate(table["prizes"], start=1):
            prize = _fields(
                f"{where}.prizes {number}",
                entry,
                {"rank": (str, _REQUIRED), "category": (str, _REQUIRED), "prize": (str, _REQUIRED)},
            )
            prizes[slug][prize["rank"], prize["category"]] = prize["prize"]
        recipients[slug] = {
            key: _row(f"{where}.recipients", key, value, (str, str, int), optional=1)
            for key, value in table["recipients"].items()
        }
        channels[slug] = Channel(
            **_fields(
                f"{where}.channel",
                table["channel"],
                {
                    "office": (str, _REQUIRED),
                    "office_hours": (str, _REQUIRED),
                    "anonymous_accepted": (bool, _REQUIRED),
                    "acknowledge_days": (int, _REQUIRED),
                    "conclude_days": (int, _REQUIRED),
                    "confidentiality": (str, _REQUIRED),
                },
            )
        )
    return facts, prizes, recipients, channels


def _editions(recipients: dict[str, dict]) -> dict[str, list[Edition]]:
    editions = {}
    for slug, entries in _read("editions.toml").items():
        if slug not in recipients:
            raise DemoDataError(f"editions.toml: {slug!r} is not a programme of programmes.toml")
        editions[slug] = []
        for number, entry in enumerate(_list(f"editions.toml, {slug}", slug, entries), start=1):
            where = f"editions.toml, {slug} edition {number}"
            fields = _fields(
                where,
                entry,
                {
                    "number": (int, _REQUIRED),
                    "year": (int, _REQUIRED),
                    "call": (list, _REQUIRED),
                    "publicity": (dict, _REQUIRED),
                    "candidates": (list, _REQUIRED),
                    "accepted": (list, []),
                    "winners": (list, []),
                    "decided": (date, None),
                    "drafts": (list, []),
                },
            )
            call = _row(where, "call", fields["call"], (date, date), optional=0)
            candidates = tuple(
                _row(where, "candidates", row, (str, int), optional=1)
                for row in fields["candidates"]
            )
            winners = tuple(
                _row(where, "winners", row, (str, str, int), optional=1)
                for row in fields["winners"]
            )
            accepted = _strings(where, "accepted", fields["accepted"])
            named = [row[0] for row in (*candidates, *winners)] + list(accepted)
            for key in named:
                if key not in recipients[slug]:
                    raise DemoDataError(f"{where}: {key!r} is not a recipient of {slug}")
            editions[slug].append(
                Edition(
                    number=fields["number"],
                    year=fields["year"],
                    call=(call[0].isoformat(), call[1].isoformat()),
                    publicity={
                        _kind(where, kind): _start(where, kind, start)
                        for kind, start in fields["publicity"].items()
                    },
                    candidates=candidates,
                    accepted=accepted,
                    winners=winners,
                    decided=fields["decided"],
                    drafts=tuple(
                        _kind(where, kind) for kind in _strings(where, "drafts", fields["drafts"])
                    ),
                )
            )
    return editions


def _revocations() -> list[Revocation]:
    revocations = []
    for number, entry in enumerate(_read("revocations.toml").get("revocation", []), start=1):
        where = f"revocations.toml, revocation {number}"
        fields = _fields(
            where,
            entry,
            {
                "programme": (str, _REQUIRED),
                "year": (int, _REQUIRED),
                "recipient": (str, _REQUIRED),
                "signed": (date, _REQUIRED),
                "grounds": (list, _REQUIRED),
                "facts": (str, _REQUIRED),
                "recovered": (str, _REQUIRED),
                "money_clawed_back": (bool, _REQUIRED),
            },
        )
        fields["grounds"] = _strings(where, "grounds", fields["grounds"])
        revocations.append(Revocation(**fields))
    return revocations


def _site_identity() -> dict[str, str | bool]:
    text = (str, _REQUIRED)
    return _fields(
        "site_identity.toml",
        _read("site_identity.toml"),
        {
            "sponsor": text,
            "organiser": text,
            "phone": text,
            "email": text,
            "address": text,
            "icp_number": text,
            "police_number": text,
            "site_id_code": text,
            "party_government": (bool, _REQUIRED),
            "conac_url": text,
            "organisation_code": text,
        },
    )


ACCOUNTS = _accounts()  # (username, last name, first name, group, superuser)
FACTS, PRIZES, RECIPIENTS, CHANNELS = _programmes()
EDITIONS = _editions(RECIPIENTS)
REVOCATIONS = _revocations()
# 网站信息 of the demo, as a deployment replaces them under 设置 › 网站信息.
DEMO_SITE_IDENTITY = _site_identity()
