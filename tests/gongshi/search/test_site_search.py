"""End to end: the demo published in the CMS, built by the worker's code path with the
real Pelican, searched and verified through the service as a citizen would."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from cms.decisions.models import Award
from cms.notices.models import PublicityNoticePage
from gongshi.search.service import SearchService

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(demo_site_dir):
    return SearchService(demo_site_dir)


def ask(app, path, q):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": urlencode({"q": q})}
    statuses = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses[0].startswith("200"), statuses
    return json.loads(body)


def test_published_winners_are_found_by_fragment_and_pinyin_and_verified(service):
    award = Award.objects.get(recipient="【示例】运城市堃源示范化工有限公司")
    for q in ("堃源示范", "kunyuan", award.credit_code):
        answer = ask(service, "/search.json", q)
        assert answer["results"][0]["title"] == award.recipient, q

    today = date.today()
    for recipient in ("【示例】郑州金水样例医疗器械有限公司", "【示例】运城市样例果业集团有限公司"):
        award = Award.objects.get(recipient=recipient)
        verdict = ask(service, "/verify.json", award.recipient)
        assert verdict["match"] == "exact"
        statuses = {item["status"] for item in verdict["winners"][0]["awards"]}
        expected = award.status
        assert expected in statuses and expected in ("expired", "revoked"), recipient
        if expected == "revoked":
            revoked = next(i for i in verdict["winners"][0]["awards"] if i["status"] == "revoked")
            assert revoked["revocation"]["reason"]
            assert revoked["revocation"]["reason"] in award.revocation.reason
            assert revoked["revocation"]["url"] == f"/revocations/{award.revocation.pk}/"
    valid = Award.objects.filter(decision__live=True, valid_until__gt=today + timedelta(days=1))
    award = next(a for a in valid if a.revocation is None)
    verdict = ask(service, "/verify.json", award.credit_code)
    assert "valid" in {item["status"] for item in verdict["winners"][0]["awards"]}


def test_unpublished_content_is_never_found(service):
    drafts = PublicityNoticePage.objects.filter(live=False)
    assert drafts.exists()
    live_names = {
        entry.name
        for notice in PublicityNoticePage.objects.live()
        for entry in notice.entries.all()
    }
    live_names |= set(Award.objects.filter(decision__live=True).values_list("recipient", flat=True))
    for draft in drafts:
        found = ask(service, "/search.json", draft.title)["results"]
        assert f"/notices/{draft.pk}/" not in [result["url"] for result in found]
        for entry in draft.entries.all():
            if entry.name not in live_names:  # listed only in a draft
                assert ask(service, "/search.json", entry.name)["total"] == 0, entry.name
                assert ask(service, "/verify.json", entry.name)["match"] == "none"
