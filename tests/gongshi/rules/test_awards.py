"""The award rules of the four regulations, as plain functions over plain values: each
table row is a sentence of a regulation (its article in the comment), no database.
tests/cms/programmes/test_programme_rules.py checks the same rules as the CMS loads them
from the programme data."""

from datetime import date, timedelta

import pytest

from gongshi.rules import awards as A
from gongshi.rules.errors import Citation
from gongshi.rules.programme import Category, Ground, Level, ProgrammeRules

ORG, IND = Category.ORGANISATION, Category.INDIVIDUAL

YUNCHENG = ProgrammeRules(
    name="运城市市长质量奖",
    regulation="运政发〔2023〕14号",
    cycle_years=5,  # 第四条
    levels=(
        Level("运城市市长质量奖", ORG, 4),
        Level("运城市市长质量奖", IND, 4),
        Level("运城市市长质量奖提名奖", ORG, 4, bars_reapplication=False),  # 第十三条
        Level("运城市市长质量奖提名奖", IND, 4, bars_reapplication=False),
    ),
    quota_article="第四条",
    max_score=1000,  # 第三条
    bonus_steps=(5, 20),  # 第三条: 一般人才加5分，高端人才（正高级）加20分
    bonus_article="第三条",
    validity_years=None,  # not stated
    revocation_ban_editions=3,  # 第三十条: 自撤销奖项当年起，3个评选周期内
    revocation_ban_article="第三十条",
    reapply_ban_editions=2,  # 第十三条: 获奖后两个评选周期内不得重复申报
    reapply_article="第十三条",
    grounds=(Ground("虚假材料", Citation("运政发〔2023〕14号", "第三十条第一项")),),
)
HENGYANG = ProgrammeRules(
    name="衡阳市市长质量奖",
    regulation="《衡阳市市长质量奖管理办法（征求意见稿）》",
    cycle_years=2,  # 第三条
    levels=(Level("衡阳市市长质量奖", ORG, 6),),
    min_score=600,  # 第九条
    min_score_article="第九条",
    validity_years=3,  # 第十七条
    validity_article="第十七条",
    revocation_ban_years=5,  # 第十九条: 取消其5年内申报的资格 (fraud only)
    revocation_ban_article="第十九条",
    reapply_barred_during_validity=True,  # 第十七条: 到期后重新申报
    reapply_article="第十七条",
    grounds=(
        Ground("弄虚作假", Citation("衡阳", "第十九条")),
        Ground("三年内发生较大事故", Citation("衡阳", "第二十条"), bars_reapplication=False),
    ),
)
BAOSHAN = ProgrammeRules(
    name="保山市人民政府质量管理奖",
    regulation="《保山市人民政府质量管理奖管理办法（试行）》",
    cycle_years=1,  # 第五条: 年度奖
    levels=(Level("保山市市政府质量管理奖", ORG, 2),),
    validity_years=3,  # 第五条
    revocation_ban_years=3,  # 第二十八条: 自撤销之日起3年内不得申报
    reapply_barred_during_validity=True,  # 第五条: 期满后可重新申请
    grounds=(Ground("弄虚作假", Citation("保山", "第二十八条第一项")),),
)
JINSHUI = ProgrammeRules(
    name="郑州市金水区区长质量奖",
    regulation="金政〔2023〕30号",
    cycle_years=2,  # 第四条
    levels=(Level("郑州市金水区区长质量奖", ORG, 3),),
    min_score=500,  # 第十五条
    validity_years=4,  # 第二十七条
    revocation_ban_years=4,  # 第二十四条: 4年内不得再次申报
    reapply_barred_during_validity=True,  # 第二十七条
    repeat_winner_takes_quota=False,  # 第二十七条: 不占当年奖项名额
    grounds=(Ground("弄虚作假", Citation("金政〔2023〕30号", "第二十四条第一项")),),
)

# -- validity: 民法典 第二百零一、二百零二条 --------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "awarded", "last_day"),
    [
        (YUNCHENG, date(2023, 12, 20), None),  # 运城: no validity stated
        (HENGYANG, date(2024, 6, 1), date(2027, 6, 1)),  # 衡阳 第十七条: 3 years
        (HENGYANG, date(2023, 12, 31), date(2026, 12, 31)),
        (BAOSHAN, date(2024, 3, 1), date(2027, 3, 1)),  # 保山 第五条: 3 years
        (JINSHUI, date(2023, 12, 1), date(2027, 12, 1)),  # 金水 第二十七条: 4 years
        # 29 February: no corresponding day in a common year → the month's last day
        (HENGYANG, date(2024, 2, 29), date(2027, 2, 28)),
        (BAOSHAN, date(2024, 2, 29), date(2027, 2, 28)),
        # ... but a leap year four years on has one
        (JINSHUI, date(2024, 2, 29), date(2028, 2, 29)),
        (BAOSHAN, date(2023, 2, 28), date(2026, 2, 28)),
    ],
)
def test_validity_ends_on_the_corresponding_day(rules, awarded, last_day):
    assert A.valid_until(rules, awarded) == last_day
    if last_day is not None:
        assert A.award_status(last_day, None, last_day) == "valid"  # the last day counts
        assert A.award_status(last_day, None, last_day + timedelta(days=1)) == "expired"


def test_every_day_of_four_years_has_a_last_day_in_its_month():
    day = date(2024, 1, 1)
    while day.year < 2028:
        for years in (1, 3, 4, 5):
            end = A.years_after(day, years)
            assert (end.year, end.month) == (day.year + years, day.month)
            assert end.day == day.day or (day.month, day.day, end.day) == (2, 29, 28)
        day += timedelta(days=1)


# -- bans --------------------------------------------------------------------------------


def revoked(rules, on, ground=0, level=None, year=2018):
    return A.PastAward(
        recipient_key="organisation:X",
        level=level or rules.levels[0].name,
        edition_year=year,
        valid_until=None,
        revoked_on=on,
        revocation_grounds=(rules.grounds[ground],),
    )


def won(rules, year, valid_until=None, level=None):
    return A.PastAward("organisation:X", level or rules.levels[0].name, year, valid_until)


@pytest.mark.parametrize(
    ("rules", "past", "last_barred_day"),
    [
        # 运城 第三十条: 3 cycles of 5 years counted from the revocation year itself
        (YUNCHENG, revoked(YUNCHENG, date(2025, 3, 1), year=2023), date(2039, 12, 31)),
        (YUNCHENG, revoked(YUNCHENG, date(2021, 5, 1)), date(2035, 12, 31)),
        (YUNCHENG, revoked(YUNCHENG, date(2023, 12, 31), year=2023), date(2037, 12, 31)),
        # 运城 第十三条: the award's edition and the two after it
        (YUNCHENG, won(YUNCHENG, 2023), date(2037, 12, 31)),
        (YUNCHENG, won(YUNCHENG, 2023, level="运城市市长质量奖提名奖"), None),  # may apply
        # 衡阳 第十九条: 5 years for fraud, from the day after the revocation
        (HENGYANG, revoked(HENGYANG, date(2024, 3, 1)), date(2029, 3, 1)),
        (HENGYANG, revoked(HENGYANG, date(2024, 2, 29)), date(2029, 2, 28)),
        # 衡阳 第二十条: an accident revokes without a ban
        (HENGYANG, revoked(HENGYANG, date(2024, 3, 1), ground=1), None),
        # 衡阳 第十七条: no re-application before the validity ends
        (HENGYANG, won(HENGYANG, 2022, valid_until=date(2025, 11, 30)), date(2025, 11, 30)),
        # 保山 第二十八条: 自撤销之日起3年内
        (BAOSHAN, revoked(BAOSHAN, date(2025, 7, 1)), date(2028, 7, 1)),
        (BAOSHAN, revoked(BAOSHAN, date(2024, 2, 29)), date(2027, 2, 28)),
        # 金水 第二十四条: 4年内
        (JINSHUI, revoked(JINSHUI, date(2025, 1, 10)), date(2029, 1, 10)),
        (JINSHUI, revoked(JINSHUI, date(2024, 2, 29)), date(2028, 2, 29)),
    ],
)
def test_bans(rules, past, last_barred_day):
    ban = A.barred_until(rules, past)
    if last_barred_day is None:
        assert ban is None
        return
    assert ban[0] == last_barred_day
    assert A.active_ban(rules, [past], last_barred_day) is not None
    assert A.active_ban(rules, [past], last_barred_day + timedelta(days=1)) is None
    assert rules.regulation in ban[1] or rules.regulation in A.active_ban(
        rules, [past], last_barred_day
    )


@pytest.mark.parametrize("first_edition", range(2000, 2010))
@pytest.mark.parametrize("revoked_in", range(2020, 2031))
def test_a_yuncheng_ban_covers_three_editions_whatever_the_editions(first_edition, revoked_in):
    """运政发〔2023〕14号 第三十条 bars three editions; counting whole cycles from the
    revocation year holds three editions of any five-year schedule, so no edition page
    in the CMS is needed to count them."""
    ban = A.revocation_ban_until(YUNCHENG, date(revoked_in, 6, 1), YUNCHENG.grounds)
    editions = range(first_edition, 2100, YUNCHENG.cycle_years)
    barred = [year for year in editions if revoked_in <= year <= ban.year]
    assert len(barred) == 3


# -- scores and the talent bonus (运政发〔2023〕14号 第三条) -----------------------------------


def award(rules, score, bonus=None, category=ORG):
    return A.ProposedAward("某公司", category, rules.levels[0].name, score=score, bonus=bonus)


@pytest.mark.parametrize(
    ("rules", "score", "bonus", "problem"),
    [
        (YUNCHENG, 1000, None, None),
        (YUNCHENG, 1000, 20, None),  # above 1000 through the bonus: allowed
        (YUNCHENG, 990, 45, None),  # one senior (20) and five ordinary talents (25)
        (
            YUNCHENG,
            1005,
            None,
            "人才引进等加分另填在“加分”中，不计入1000分（运政发〔2023〕14号 第三条）",
        ),
        (YUNCHENG, 900, 12, "加分12分不是每项5或20分的组合（运政发〔2023〕14号 第三条）"),
        (HENGYANG, 700, 5, "本奖项的管理办法没有规定加分项"),
        (HENGYANG, 599, None, "低于600分，不得授奖"),
        (JINSHUI, 499, None, "低于500分"),
        (JINSHUI, 1001, None, "评审总分应在0至1000分之间"),
    ],
)
def test_scores(rules, score, bonus, problem):
    found = [p.message for p in A.check_decision(rules, [award(rules, score, bonus)])]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def test_the_bonus_counts_towards_a_minimum_score():
    rules = ProgrammeRules(
        name="示例",
        regulation="示例",
        cycle_years=1,
        levels=HENGYANG.levels,
        min_score=600,
        bonus_steps=(5,),
    )
    assert A.check_decision(rules, [award(rules, 595, 5)]) == []
    assert A.check_decision(rules, [award(rules, 590, 5)])


# -- who a recipient is ------------------------------------------------------------------


def test_people_are_known_by_their_record_never_by_their_name():
    assert A.recipient_key(IND, "", 7) != A.recipient_key(IND, "", 8)
    assert A.recipient_key(ORG, "91140800MA0000001A", None) == "organisation:91140800MA0000001A"
    with pytest.raises(ValueError):
        A.recipient_key(IND, "", None)  # a name alone is no one
    with pytest.raises(ValueError):
        A.recipient_key(ORG, "", None)


# -- quotas per edition (运政发〔2023〕14号 第四条: 每届…不超过4个) ------------------------------


def orgs(count, rules=YUNCHENG, repeat=False):
    level = rules.levels[0].name
    return [A.ProposedAward(f"单位{i}", ORG, level, is_repeat=repeat) for i in range(count)]


@pytest.mark.parametrize(
    ("rules", "decided", "proposed", "problem"),
    [
        (YUNCHENG, orgs(0), orgs(4), None),
        (YUNCHENG, orgs(3), orgs(1), None),
        (
            YUNCHENG,
            orgs(3),
            orgs(2),
            "本届其他表彰决定已授予3个，本决定又列了2个（运政发〔2023〕14号 第四条）",
        ),
        (YUNCHENG, orgs(0), orgs(5), "本决定列了5个"),
        # 金水 第二十七条: a repeat winner takes no place, in this decision or another
        (JINSHUI, orgs(3, JINSHUI, repeat=True), orgs(3, JINSHUI), None),
    ],
)
def test_a_quota_counts_every_decision_of_the_edition(rules, decided, proposed, problem):
    found = [p.message for p in A.check_decision(rules, proposed, decided) if "每届" in p.message]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found
