"""Each shipped programme's rules, table by table, as the CMS loads them from its data."""

from datetime import date

import pytest

from gongshi.rules import RuleViolation, workdays
from gongshi.rules import awards as A
from gongshi.rules.programme import Category
from gongshi.rules.publicity import Period, check_length, period_from

ORG, IND = Category.ORGANISATION, Category.INDIVIDUAL
CALENDAR = workdays.from_chinese_calendar()


@pytest.fixture
def rules(programmes):
    return {slug: page.rules() for slug, page in programmes.items()}


# -- publicity length per kind of notice, across holidays and make-up days ----------------


@pytest.mark.parametrize(
    ("slug", "kind", "start", "days", "expected"),
    [
        # 运政发〔2023〕14号: four kinds, each with its own article
        ("yuncheng", "candidates", date(2023, 9, 28), 5, date(2023, 10, 10)),
        (
            "yuncheng",
            "candidates",
            date(2023, 9, 28),
            4,
            "公示期不足5个工作日（运政发〔2023〕14号 第十九条）",
        ),
        (
            "yuncheng",
            "recommended",
            date(2023, 9, 28),
            4,
            "公示期不足5个工作日（运政发〔2023〕14号 第二十条）",
        ),
        (
            "yuncheng",
            "internal",
            date(2023, 9, 28),
            4,
            "公示期不足5个工作日（运政发〔2023〕14号 第十五条）",
        ),
        # 第十七条 states no length for the accepted list: none is invented
        ("yuncheng", "accepted", date(2023, 9, 28), None, None),
        ("yuncheng", "accepted", date(2023, 9, 28), 1, date(2023, 9, 28)),
        (
            "yuncheng",
            "candidates",
            date(2023, 9, 28),
            None,
            "请填写公示期长度：运政发〔2023〕14号 第十九条规定候选名单公示不少于5个工作日",
        ),
        ("yuncheng", "candidates", date(2023, 9, 28), 0, "公示期须为正整数个工作日，不能为0"),
        ("yuncheng", "candidates", date(2023, 9, 28), -3, "不能为-3"),
        ("yuncheng", "candidates", date(2023, 9, 28), 21, "超过本奖项候选名单公示的上限20个工作日"),
        ("yuncheng", "candidates", date(2026, 12, 28), 5, "2027年的法定节假日和调休安排尚未录入"),
        # 衡阳 第十条第六项: "公示5个工作日", exactly
        ("hengyang", "recommended", date(2024, 2, 7), 5, date(2024, 2, 19)),
        (
            "hengyang",
            "recommended",
            date(2024, 2, 7),
            6,
            "规定拟获奖名单公示5个工作日，不能填写6个工作日",
        ),
        (
            "hengyang",
            "recommended",
            date(2024, 2, 7),
            3,
            "公示期不足5个工作日（《衡阳市市长质量奖管理办法（征求意见稿）》 第十条第六项）",
        ),
        # 保山 第二十条第七项 states no length
        ("baoshan", "recommended", date(2025, 4, 28), None, None),
        ("baoshan", "recommended", date(2025, 4, 28), 3, date(2025, 4, 30)),
        ("jinshui", "candidates", date(2025, 4, 28), 5, date(2025, 5, 7)),
        (
            "jinshui",
            "candidates",
            date(2025, 4, 28),
            2,
            "公示期不足5个工作日（金政〔2023〕30号 第十七条第六项）",
        ),
    ],
)
def test_publicity_period_per_kind(rules, slug, kind, start, days, expected):
    rule = rules[slug].notice_kind(kind)
    if isinstance(expected, str):
        with pytest.raises(RuleViolation) as refusal:
            check_length(rule, days)
            period_from(CALENDAR, start, days)
        assert expected in refusal.value.message
        return
    check_length(rule, days)
    assert period_from(CALENDAR, start, days) == Period(start, days, expected)


@pytest.mark.parametrize(
    ("slug", "kinds"),
    [
        ("yuncheng", ["internal", "accepted", "candidates", "recommended"]),
        ("hengyang", ["recommended"]),
        ("baoshan", ["recommended"]),
        ("jinshui", ["candidates"]),
    ],
)
def test_each_programme_has_the_kinds_of_notice_its_regulation_provides(rules, slug, kinds):
    assert [rule.kind for rule in rules[slug].notice_kinds] == kinds
    assert all(rule.citation.article for rule in rules[slug].notice_kinds)


# -- quotas, levels and scores -------------------------------------------------------------


def winners(level, category, count, score=None, repeat=0):
    return [
        A.ProposedAward(f"单位{i}", category, level, score=score, is_repeat=i < repeat)
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("slug", "awards", "problems"),
    [
        ("yuncheng", winners("运城市市长质量奖", ORG, 4), []),
        (
            "yuncheng",
            winners("运城市市长质量奖", ORG, 5),
            ["运城市市长质量奖（组织）每届不超过4个，本决定列了5个（运政发〔2023〕14号 第四条）"],
        ),
        (
            "yuncheng",
            winners("运城市市长质量奖", ORG, 4)
            + winners("运城市市长质量奖", IND, 4)
            + winners("运城市市长质量奖提名奖", ORG, 4)
            + winners("运城市市长质量奖提名奖", IND, 4),
            [],
        ),
        (
            "yuncheng",
            winners("运城市市长质量奖提名奖", IND, 5),
            ["运城市市长质量奖提名奖（个人）每届不超过4个"],
        ),
        ("hengyang", winners("衡阳市市长质量奖", ORG, 6, score=600), []),
        ("hengyang", winners("衡阳市市长质量奖", ORG, 7, score=700), ["每届不超过6个"]),
        ("hengyang", winners("衡阳市市长质量奖", ORG, 1, score=599), ["低于600分，不得授奖"]),
        ("hengyang", winners("衡阳市市长质量奖", ORG, 1), ["须填写评审总分（最低600分"]),
        (
            "hengyang",
            winners("衡阳市市长质量奖", IND, 1, score=700),
            ["没有“衡阳市市长质量奖”（个人）这一奖项类别"],
        ),
        ("baoshan", winners("保山市市政府质量管理奖", ORG, 2), []),
        ("baoshan", winners("保山市市政府质量管理奖", ORG, 3), ["每届不超过2个"]),
        ("jinshui", winners("郑州市金水区区长质量奖", ORG, 3, score=500), []),
        ("jinshui", winners("郑州市金水区区长质量奖", ORG, 1, score=499), ["低于500分"]),
        # Jinshui: a repeat winner takes no quota place (金政〔2023〕30号 第二十七条) ...
        ("jinshui", winners("郑州市金水区区长质量奖", ORG, 4, score=800, repeat=1), []),
        ("jinshui", winners("郑州市金水区区长质量奖", ORG, 4, score=800), ["每届不超过3个"]),
        # ... while in Hengyang a repeat winner still counts
        ("hengyang", winners("衡阳市市长质量奖", ORG, 7, score=800, repeat=1), ["每届不超过6个"]),
        (
            "jinshui",
            winners("郑州市金水区区长质量奖", ORG, 1, score=1001),
            ["评审总分应在0至1000分之间"],
        ),
        # Yuncheng's talent bonus lies outside the 1000 points (运政发〔2023〕14号 第三条)
        (
            "yuncheng",
            [A.ProposedAward("单位", ORG, "运城市市长质量奖", score=1000, bonus=25)],
            [],
        ),
        (
            "yuncheng",
            winners("运城市市长质量奖", ORG, 1, score=1020),
            ["不计入1000分（运政发〔2023〕14号 第三条）"],
        ),
    ],
)
def test_decision_quota_and_score(rules, slug, awards, problems):
    found = [p.message for p in A.check_decision(rules[slug], awards)]
    assert len(found) == len(problems), found
    for message, expected in zip(found, problems, strict=True):
        assert expected in message


# -- validity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "awarded", "until"),
    [
        ("yuncheng", date(2023, 12, 20), None),  # the regulation sets no validity
        # 民法典 第二百零一、二百零二条: the corresponding day, or the month's last
        ("hengyang", date(2024, 6, 1), date(2027, 6, 1)),
        ("baoshan", date(2024, 2, 29), date(2027, 2, 28)),
        ("jinshui", date(2023, 12, 1), date(2027, 12, 1)),
        ("jinshui", date(2024, 2, 29), date(2028, 2, 29)),
    ],
)
def test_validity(rules, slug, awarded, until):
    assert A.valid_until(rules[slug], awarded) == until


@pytest.mark.parametrize(
    ("until", "revoked", "today", "status"),
    [
        (date(2027, 5, 31), None, date(2026, 11, 22), "valid"),
        (date(2025, 5, 31), None, date(2026, 11, 22), "expired"),
        (None, None, date(2040, 1, 1), "valid"),
        (date(2027, 5, 31), date(2025, 3, 1), date(2026, 11, 22), "revoked"),
        (date(2027, 5, 31), date(2027, 3, 1), date(2026, 11, 22), "valid"),  # not yet in force
    ],
)
def test_award_status(until, revoked, today, status):
    assert A.award_status(until, revoked, today) == status


# -- bans --------------------------------------------------------------------------------


def revoked(rules, level, year, on, ground_index=0):
    return A.PastAward(
        recipient_key="K",
        level=level,
        edition_year=year,
        valid_until=None,
        revoked_on=on,
        revocation_grounds=(rules.grounds[ground_index],),
    )


@pytest.mark.parametrize(
    ("slug", "past", "on", "barred"),
    [
        # Yuncheng: 3 editions counted from the revocation year (cycles of 5 years)
        (
            "yuncheng",
            lambda r: revoked(r, "运城市市长质量奖", 2018, date(2021, 5, 1)),
            date(2035, 12, 31),
            True,
        ),
        (
            "yuncheng",
            lambda r: revoked(r, "运城市市长质量奖", 2018, date(2021, 5, 1)),
            date(2036, 1, 1),
            False,
        ),
        # Yuncheng: a winner sits out the next two editions; a nomination winner does not
        (
            "yuncheng",
            lambda r: A.PastAward("K", "运城市市长质量奖", 2023, None),
            date(2033, 6, 1),
            True,
        ),
        (
            "yuncheng",
            lambda r: A.PastAward("K", "运城市市长质量奖", 2023, None),
            date(2038, 1, 1),
            False,
        ),
        (
            "yuncheng",
            lambda r: A.PastAward("K", "运城市市长质量奖提名奖", 2023, None),
            date(2028, 1, 1),
            False,
        ),
        # Hengyang: 5 years for fraud (第十九条), none for an accident (第二十条)
        (
            "hengyang",
            lambda r: revoked(r, "衡阳市市长质量奖", 2022, date(2024, 3, 1), 0),
            date(2029, 3, 1),
            True,
        ),
        (
            "hengyang",
            lambda r: revoked(r, "衡阳市市长质量奖", 2022, date(2024, 3, 1), 0),
            date(2029, 3, 2),
            False,
        ),
        (
            "hengyang",
            lambda r: revoked(r, "衡阳市市长质量奖", 2022, date(2024, 3, 1), 1),
            date(2024, 6, 1),
            False,
        ),
        # Hengyang, Baoshan, Jinshui: no re-application while the award is valid
        (
            "hengyang",
            lambda r: A.PastAward("K", "衡阳市市长质量奖", 2022, date(2025, 11, 30)),
            date(2025, 11, 30),
            True,
        ),
        (
            "hengyang",
            lambda r: A.PastAward("K", "衡阳市市长质量奖", 2022, date(2025, 11, 30)),
            date(2025, 12, 1),
            False,
        ),
        # Baoshan: 3 years from the revocation date; Jinshui: 4 years
        (
            "baoshan",
            lambda r: revoked(r, "保山市市政府质量管理奖", 2024, date(2025, 7, 1)),
            date(2028, 7, 1),
            True,
        ),
        (
            "baoshan",
            lambda r: revoked(r, "保山市市政府质量管理奖", 2024, date(2025, 7, 1)),
            date(2028, 7, 2),
            False,
        ),
        (
            "jinshui",
            lambda r: revoked(r, "郑州市金水区区长质量奖", 2023, date(2025, 1, 10)),
            date(2029, 1, 10),
            True,
        ),
        (
            "jinshui",
            lambda r: revoked(r, "郑州市金水区区长质量奖", 2023, date(2025, 1, 10)),
            date(2029, 1, 11),
            False,
        ),
    ],
)
def test_bans(rules, slug, past, on, barred):
    reason = A.active_ban(rules[slug], [past(rules[slug])], on)
    assert (reason is not None) == barred, reason
    if barred:
        assert rules[slug].regulation in reason


def test_citation_always_carries_the_year():
    assert A.citation(2023, "运城市市长质量奖") == "2023年度运城市市长质量奖"
    assert A.citation(2023, "运城市市长质量奖提名奖") == "2023年度运城市市长质量奖提名奖"


def test_every_programme_fact_cites_an_article(programmes):
    for page in programmes.values():
        assert page.cycle_article and page.quota_article and page.revocation_consequences_article
        assert page.levels.count() >= 1
        assert all(ground.article for ground in page.revocation_grounds.all())
        assert all(kind.article for kind in page.publicity_kinds.all())
        if page.validity_years:
            assert page.validity_article
