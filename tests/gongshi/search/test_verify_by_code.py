"""核验 by a certificate's verification code (获奖证书核验码), on the demo built by the
worker's code path and asked through the search service as a citizen types it: each
award's code, however typed, opens that award's own page; a code one letter off, one
too short or too long never opens another's; a code nobody holds says so in Chinese."""

import base64
import hashlib
import json
from urllib.parse import urlencode

import pytest

from cms.decisions.models import Award
from gongshi.search import credential_codes
from gongshi.search.service import SearchService

pytestmark = pytest.mark.django_db


def code_of(award: Award) -> str:
    """The code as ADR 33 defines it, computed here apart from the site's own code."""
    identity = f"{award.decision.translation_key}/{award.pk}".encode()
    letters = base64.b32encode(hashlib.sha256(identity).digest()).decode()[:10]
    return f"{letters[:5]}-{letters[5:]}"


def ask(app, path: str, q: str):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": urlencode({"q": q})}
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(app(environ, start_response)).decode("utf-8")
    return answer["status"], answer["headers"], body


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)


def typings(code: str) -> list[str]:
    letters = code.replace("-", "")
    return [
        code,
        letters,
        letters.lower(),
        f" {letters[:3]} {letters[3:6]} {letters[6:]} ".lower(),
        "-".join(letters[i : i + 2] for i in range(0, 10, 2)),
        full_width(code),
        full_width(code.lower()).replace("－", "\u3000"),
        code.replace("-", "—"),  # the Chinese input method's dash
        code.replace("O", "0").replace("I", "1"),  # the digits a reader takes them for
        f"https://zlj.example.gov.cn/v/{code}/",
    ]


def test_every_awards_code_opens_its_own_page_however_it_is_typed(demo_site_dir):
    service = SearchService(demo_site_dir)
    live = demo_site_dir / "live"
    awards = list(Award.objects.filter(decision__live=True).select_related("decision"))
    assert len(awards) > 3 and any(a.revocations.filter(live=True).exists() for a in awards)
    codes = {code_of(award): award for award in awards}
    assert len(codes) == len(awards)
    for code, award in codes.items():
        page = live / "v" / code / "index.html"
        text = page.read_text(encoding="utf-8")
        assert award.recipient in text and f'href="/decisions/{award.decision_id}/"' in text
        for typed in typings(code):
            status, headers, _body = ask(service, "/verify/", typed)
            assert (status, headers.get("Location")) == (303, f"/v/{code}/"), typed
            status, _headers, body = ask(service, "/verify.json", typed)
            answer = json.loads(body)
            assert answer["match"] == "credential", typed
            assert answer["credential"]["url"] == f"/v/{code}/"
            assert answer["credential"]["recipient"] == award.recipient
        # a revoked award's code keeps working, and its page says so
        if award.revocations.filter(live=True).exists():
            assert 'data-credential-status="revoked"' in text


def near_misses(code: str) -> list[str]:
    letters = code.replace("-", "")
    missed = []
    for position in range(10):
        for other in credential_codes.ALPHABET:
            if other != letters[position]:
                missed.append(letters[:position] + other + letters[position + 1 :])
        missed.append(letters[:position] + letters[position + 1 :])  # one left out
        missed.append(letters[:position] + "A" + letters[position:])  # one too many
    for position in range(9):  # two neighbours swapped
        swapped = (
            letters[:position] + letters[position + 1] + letters[position] + letters[position + 2 :]
        )
        if swapped != letters:
            missed.append(swapped)
    return missed


def test_a_near_miss_never_opens_another_awards_page(demo_site_dir):
    service = SearchService(demo_site_dir)
    awards = Award.objects.filter(decision__live=True).select_related("decision")
    codes = {code_of(award): award for award in awards}
    for code, award in codes.items():
        for typed in near_misses(code):
            status, headers, body = ask(service, "/verify.json", typed)
            answer = json.loads(body)
            written = credential_codes.normalise(typed)
            if written in codes:  # another real code: only that award, never this one
                assert answer["credential"]["recipient"] == codes[written].recipient
                continue
            assert answer["match"] != "credential" and answer.get("credential") is None, typed
            assert award.recipient not in body, typed
            status, headers, page = ask(service, "/verify/", typed)
            assert status == 200 and "Location" not in headers
            assert award.recipient not in page, typed
            if written is not None:
                assert answer["match"] == "no_credential"
                assert f"本站没有核验码为“{written}”的获奖证书" in page


def test_the_site_refuses_two_awards_with_one_code(monkeypatch):
    from gongshi_site import credentials

    class Programme:
        title = "运城市质量奖"

    class Decision:
        uuid = "00000000-0000-4000-8000-000000000001"

    class Fake:
        def __init__(self, award_id, recipient):
            self.id, self.decision, self.recipient = award_id, Decision, recipient
            self.programme, self.year, self.level = Programme, 2023, "质量奖"

    monkeypatch.setattr(credentials, "code", lambda award: "AAAAA-AAAAA")
    awards = [Fake(1, "甲公司"), Fake(2, "乙公司")]
    with pytest.raises(credentials.SameCode, match="核验码相同"):
        credentials.lookup(awards)
    # and so does every build, full or incremental, as it lists the awards' QR codes
    with pytest.raises(credentials.SameCode, match="核验码相同"):
        credentials.qr_codes(awards, "https://example.gov.cn/")
