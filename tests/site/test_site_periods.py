"""Publicity periods on the public site: what the regulation says of the length (and
that it says nothing, where it does), an open end, and a public correction on the page,
in the feeds and in the open data. Built with the real Pelican from fixture content."""

import json

import feedparser
from sitebuild import build


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def built(content, tmp_path):
    output = tmp_path / "output"
    finished = build(content, output)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    return output


def page(output, path):
    return (output / path.lstrip("/") / "index.html").read_text(encoding="utf-8")


def notice_data(output, notice_id):
    notices = json.loads((output / "data/notices.json").read_text(encoding="utf-8"))["notices"]
    return next(notice for notice in notices if notice["id"] == notice_id)


def test_the_rule_of_each_kind_is_on_the_notice_and_programme_pages(built_site):
    candidates = page(built_site, "/notices/33/")
    assert "依据：示政发〔2022〕9号 第二十条规定获奖建议名单公示不少于5个工作日。" in candidates
    # 示例区's regulation states no length: the page says so, and who set this one.
    district = page(built_site, "/notices/41/")
    assert "依据：示政发" not in district
    assert "第十七条第六项未规定候选单位名单公示的期限；本次公示期由发布机关确定。" in district
    programme = page(built_site, "/programmes/shili-city/")
    assert "受理名单公示</dt><dd>办法未规定期限（第十七条）" in programme
    assert "候选名单公示</dt><dd>不少于5个工作日（第十九条）" in programme


def test_a_notice_without_a_stated_length_has_no_end_and_says_why(content, tmp_path):
    notice = content / "notices/32.md"
    _edit(notice, '"start_rule": "fixed"', '"start_rule": "on_publication"')
    _edit(notice, '"end_date": "2023-06-07"', '"end_date": null')
    _edit(notice, '"working_days": 5', '"working_days": null')
    output = built(content, tmp_path)

    html = page(output, "/notices/32/")
    assert '自<time datetime="2023-06-01">2023年6月1日</time>起公布，未设截止日期' in html
    assert "第十七条未规定受理名单公示的期限，本公示不设截止日期。" in html
    assert "本公示未设截止日期；有异议的，请尽早提出。" in html
    assert 'data-publicity-end=""' in html and "status--published" in html
    data = notice_data(output, 32)
    assert (data["end_date"], data["working_days"], data["status"]) == (None, None, "published")
    assert "未规定受理名单公示的期限" in data["period_rule"]


def test_a_notice_of_a_kind_with_a_stated_length_cannot_drop_its_end(content, tmp_path):
    notice = content / "notices/33.md"
    _edit(notice, '"end_date": "2023-10-13"', '"end_date": null')
    _edit(notice, '"working_days": 5', '"working_days": null')
    finished = build(content, tmp_path / "output")
    assert finished.returncode != 0
    assert "notices/33.md" in finished.stderr and "working_days" in finished.stderr


def correct_notice_41(content, end="2024-06-21", working_days=10):
    """Notice 41 extended on 2024-06-12, as the CMS exports a correction."""
    notice = content / "notices/41.md"
    _edit(notice, '"end_date": "2024-06-14"', f'"end_date": "{end}"')
    _edit(notice, '"working_days": 5', f'"working_days": {working_days}')
    _edit(
        notice,
        '"last_published_at": "2024-06-07T17:30:00+08:00"',
        '"last_published_at": "2024-06-12T10:00:00+08:00"',
    )
    note = (
        "公示期更正：原为2024年6月10日至2024年6月14日，共5个工作日，"
        f"现为2024年6月10日至{end[:4]}年6月{int(end[8:])}日，共{working_days}个工作日。 应公众要求延长。"
    )
    _edit(
        notice,
        '"note": "首次发布", "is_major": true}',
        '"note": "首次发布", "is_major": true},\n'
        f'    {{"published_at": "2024-06-12T10:00:00+08:00", "note": "{note}", "is_major": true}}',
    )
    correction = {
        "published_at": "2024-06-12T10:00:00+08:00",
        "previous_start_date": "2024-06-10",
        "previous_end_date": "2024-06-14",
        "previous_working_days": 5,
        "start_date": "2024-06-10",
        "end_date": end,
        "working_days": working_days,
        "reason": "应公众要求延长。",
    }
    _edit(
        notice,
        '"period_corrections": []',
        f'"period_corrections": [{json.dumps(correction, ensure_ascii=False)}]',
    )


def test_a_correction_shows_on_the_page_in_the_feeds_and_in_the_data(content, tmp_path):
    correct_notice_41(content)
    output = built(content, tmp_path)

    html = page(output, "/notices/41/")
    assert "公示期已更正" in html
    assert (
        "原为2024年6月10日至2024年6月14日，现为2024年6月10日至2024年6月21日，共10个工作日" in html
    )
    assert "原因：应公众要求延长。" in html
    assert "异议须在公示期内提出，截止日期为<strong>2024年6月21日</strong>" in html

    corrections = feedparser.parse((output / "feeds/corrections.atom").read_bytes()).entries
    (entry,) = [e for e in corrections if "公示期更正" in e.summary]
    assert entry.published.startswith("2024-06-12T10:00:00")
    notices = feedparser.parse((output / "feeds/notices.atom").read_bytes()).entries
    (notice,) = [e for e in notices if e.link.endswith("/notices/41/")]
    assert notice.updated.startswith("2024-06-12T10:00:00")  # an update of the same entry
    assert "公示期：2024年6月10日至2024年6月21日（10个工作日）" in notice.summary
    assert "公示期更正" in notice.content[0].value and "应公众要求延长" in notice.content[0].value

    data = notice_data(output, 41)
    assert data["end_date"] == "2024-06-21"
    assert data["period_corrections"][0]["previous_end_date"] == "2024-06-14"


def test_a_shortening_correction_is_refused_by_the_site_too(content, tmp_path):
    correct_notice_41(content, end="2024-06-13", working_days=4)
    finished = build(content, tmp_path / "output")
    assert finished.returncode != 0
    assert "notices/41.md" in finished.stderr and "不能缩短" in finished.stderr
