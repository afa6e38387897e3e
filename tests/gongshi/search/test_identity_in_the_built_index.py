"""Identity in search and verification, end to end: decisions published in the CMS,
the site built by the worker's code path with the real Pelican, and the service's
answers read as a citizen reads them. Each test tries to make verification present one
organisation's or person's award as another's."""

import json
from datetime import date
from urllib.parse import urlencode

import pytest
from admin_forms import valid_code
from factories import published_awards

from cms.programmes.models import EditionPage, ProgrammePage
from cms.publishing import tasks
from cms.publishing.models import SiteBuild
from cms.recipients.models import Person
from gongshi.search.service import SearchService
from gongshi_site import shared_dirs

pytestmark = pytest.mark.django_db

JOINT_STOCK = "运城市蓝海精工股份有限公司"
LIMITED = "运城市蓝海精工有限公司"
CODE_A = valid_code("91140800MA0K0LH01")
CODE_B = valid_code("91140800MA0K0LH02")


def ask(app, path, q):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": urlencode({"q": q})}
    statuses = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses[0].startswith("200"), statuses
    return json.loads(body) if path.endswith(".json") else body.decode()


def build():
    build = tasks.run_build(tasks.request_build("测试").pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error


def yuncheng_edition():
    programme = ProgrammePage.objects.get(slug="yuncheng")
    return EditionPage.objects.live().child_of(programme).order_by("-year").first()


@pytest.fixture
def service(demo_site_dir):
    return SearchService(demo_site_dir)


def test_a_legal_form_twin_is_never_verified_as_exact(service):
    edition = yuncheng_edition()
    published_awards(
        edition,
        [{"recipient": JOINT_STOCK, "credit_code": CODE_A}],
        date(2023, 12, 20),
        slug="twin-a",
    )
    build()
    # Only the 股份有限公司 won: the 有限公司 is another legal person, never "exact"
    verdict = ask(service, "/verify.json", LIMITED)
    assert verdict["match"] == "similar", verdict["match"]
    assert verdict["match_label"] == "相似，请核对全称"
    (winner,) = verdict["winners"]
    assert winner["credit_code"] == CODE_A and winner["match"] == "similar"
    assert "组织形式不同" in winner["match_note"]
    page = ask(service, "/verify/", LIMITED)
    assert "相似，请核对全称" in page and CODE_A in page

    published_awards(
        edition,
        [{"recipient": LIMITED, "credit_code": CODE_B}],
        date(2023, 12, 21),
        slug="twin-b",
    )
    build()
    verdict = ask(service, "/verify.json", LIMITED)
    assert verdict["match"] == "exact"
    assert [w["credit_code"] for w in verdict["winners"]] == [CODE_B]
    assert [w["credit_code"] for w in verdict["similar"]] == [CODE_A]  # shown apart
    verdict = ask(service, "/verify.json", JOINT_STOCK)
    assert [w["credit_code"] for w in verdict["winners"]] == [CODE_A]

    # a name without its legal form matches both: candidates, told apart by their codes
    verdict = ask(service, "/verify.json", "运城市蓝海精工")
    assert verdict["match"] == "candidates"
    assert {w["credit_code"] for w in verdict["winners"]} == {CODE_A, CODE_B}
    page = ask(service, "/verify/", "运城市蓝海精工")
    assert "按统一社会信用代码" in page and CODE_A in page and CODE_B in page
    # the code is exact, and only its own organisation
    verdict = ask(service, "/verify.json", CODE_B)
    assert verdict["match"] == "exact" and [w["name"] for w in verdict["winners"]] == [LIMITED]


@pytest.mark.parametrize(
    "typed",
    [
        "山西省运城市蓝海精工股份有限公司",  # province added
        "山西运城市蓝海精工股份有限公司",  # province, shortened
        "运城蓝海精工股份有限公司",  # 市 dropped
        "山西省蓝海精工股份有限公司",  # the city replaced by the province
    ],
)
def test_a_region_added_or_dropped_is_similar_never_not_found(service, typed):
    published_awards(
        yuncheng_edition(),
        [{"recipient": JOINT_STOCK, "credit_code": CODE_A}],
        date(2023, 12, 20),
        slug="region",
    )
    build()
    verdict = ask(service, "/verify.json", typed)
    assert verdict["match"] == "similar", verdict
    assert [w["credit_code"] for w in verdict["winners"]] == [CODE_A]
    assert "地区名称不同" in verdict["winners"][0]["match_note"]
    found = ask(service, "/search.json", typed)
    assert found["results"] and found["results"][0]["title"] == JOINT_STOCK
    assert found["similar"] and any("相似，请核对全称" in note for note in found["notes"])


def test_two_people_of_one_name_are_candidates_never_one_winner(service):
    first = Person.objects.create(name="赵示范", distinction="甲公司总经理")
    second = Person.objects.create(name="赵示范", distinction="乙公司质量总监")
    published_awards(
        yuncheng_edition(),
        [{"recipient": "赵示范", "person": first}, {"recipient": "赵示范", "person": second}],
        date(2023, 12, 20),
        slug="people",
    )
    build()
    verdict = ask(service, "/verify.json", "赵示范")
    assert verdict["match"] == "candidates"
    urls = [winner["url"] for winner in verdict["winners"]]
    assert sorted(urls) == sorted(f"/winners/{p.public_id}/" for p in (first, second))
    assert all(len(winner["awards"]) == 1 for winner in verdict["winners"])


@pytest.mark.parametrize(
    ("number", "typed"),
    [
        ("运政发〔2024〕77号", "运政发2024 77号"),
        ("运政发〔2024〕77号", "运政发2024第77号"),
        ("运政发〔2024〕77号", "运政发[2024]77号"),
        ("运政发〔2024〕77号", "运政发（2024）77号"),
        ("衡政发〔2024〕9号", "衡政发2024-9号"),
    ],
)
def test_a_document_number_typed_loosely_finds_its_document(service, number, typed):
    (award,) = published_awards(
        yuncheng_edition(),
        [{"recipient": JOINT_STOCK, "credit_code": CODE_A}],
        date(2024, 1, 5),
        document_number=number,
        slug="numbered",
    )
    build()
    found = ask(service, "/search.json", typed)
    assert found["results"], found
    assert found["results"][0]["url"] == f"/decisions/{award.decision_id}/"
    assert found["results"][0]["document_number"] == number
    assert f"已按文号“{number}”查找。" in found["notes"]


def test_a_regulation_without_validity_says_so_everywhere(service, demo_site_dir):
    """Yuncheng states no validity: its awards, the revoked one included, say exactly
    that, on the site, in the open data, in the feeds and in verification."""
    revoked = "【示例】运城市样例果业集团有限公司"
    verdict = ask(service, "/verify.json", revoked)
    (item,) = [a for w in verdict["winners"] for a in w["awards"] if a["status"] == "revoked"]
    assert item["validity"] == "管理办法未规定有效期" and item["valid_until"] is None
    page = ask(service, "/verify/", revoked)
    assert "管理办法未规定有效期" in page
    assert "长期" not in page
    live = demo_site_dir / "live"
    # a build shares directories with the one before (ADR 42): walk it as the site does
    everything = [p for p in shared_dirs.files(live) if p.suffix in (".html", ".atom", ".rss")]
    everything += [live / "data" / "winners.json", live / "data" / "winners.csv"]
    texts = {path: path.read_text(encoding="utf-8-sig") for path in everything}
    assert not [path for path, text in texts.items() if "长期" in text]
    for name in ("winners/index.html", "data/winners.csv", "data/winners.json", "feeds/all.atom"):
        assert "管理办法未规定有效期" in texts[live / name], name
    rows = json.loads(texts[live / "data" / "winners.json"])["winners"]
    for award in (a for w in rows for a in w["awards"] if a["programme"] == "yuncheng"):
        assert award["valid_until"] is None and award["validity"] == "管理办法未规定有效期"


def test_an_award_of_29_february_is_valid_to_the_month_end(demo_site_dir):
    """保山 第五条: 3 years; 金水 第二十七条: 4 years; counted by 民法典 第二百零一、
    二百零二条 from a decision of 29 February 2024, on the site and in verification."""
    signed = date(2024, 2, 29)
    expected = {"baoshan": date(2027, 2, 28), "jinshui": date(2028, 2, 29)}
    names = {"baoshan": "保山示例闰日科技有限公司", "jinshui": "金水示例闰日科技有限公司"}
    for serial, (slug, last_day) in enumerate(expected.items(), start=1):
        programme = ProgrammePage.objects.get(slug=slug)
        edition = EditionPage(title="2024年度", slug="leap-2024", number=99, year=2024)
        programme.add_child(instance=edition)
        edition.save_revision().publish()
        (award,) = published_awards(
            edition,
            [{"recipient": names[slug], "credit_code": valid_code(f"91530500MA0K0LD0{serial}")}],
            signed,
            slug="leap",
        )
        assert award.valid_until == last_day, slug
    build()
    winners = json.loads((demo_site_dir / "live" / "data" / "winners.json").read_text())
    by_name = {w["name"]: w["awards"][0] for w in winners["winners"]}
    for slug, last_day in expected.items():
        award = by_name[names[slug]]
        assert award["valid_until"] == last_day.isoformat()
        assert award["validity"] == f"2024-02-29 至 {last_day.isoformat()}"
        on_the_day = SearchService(demo_site_dir, today=lambda day=last_day: day)
        after = SearchService(demo_site_dir, today=lambda day=last_day: day.replace(day=1, month=3))
        assert (
            ask(on_the_day, "/verify.json", names[slug])["winners"][0]["awards"][0]["status"]
            == "valid"
        )
        answer = ask(after, "/verify.json", names[slug])["winners"][0]["awards"][0]
        assert answer["status"] == "expired"
        assert answer["status_since"] == last_day.replace(day=1, month=3).isoformat()
