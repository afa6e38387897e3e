"""The ban a revocation imposes, through the database: derived from the date, the grounds
and the programme's cycle, never from the edition pages the CMS happens to hold."""

from datetime import date

import pytest
from admin_forms import valid_code
from factories import published_decision, published_revocation

from cms.notices.models import PublicityEntry
from cms.programmes.models import EditionPage

pytestmark = pytest.mark.django_db

CODE = valid_code("91140800MA0K00001")


def edition_of(programme, year):
    edition = EditionPage(title=f"{year}年度", slug=str(year), number=year - 2008, year=year)
    programme.add_child(instance=edition)
    edition.save_revision().publish()
    return edition


@pytest.mark.parametrize("years_of_pages", [(2023,), (2019, 2023), (2018, 2023), (2023, 2024)])
def test_a_yuncheng_ban_counts_three_editions_from_the_revocation_year(programmes, years_of_pages):
    """运政发〔2023〕14号 第三十条: 自撤销奖项当年起，3个评选周期内不得申报. A revocation
    of 2025 bars 2025 to 2039 (three five-year cycles), whichever edition pages exist,
    one of them or several, in whatever order they were created."""
    yuncheng = programmes["yuncheng"]
    editions = {year: edition_of(yuncheng, year) for year in years_of_pages}
    award = published_decision(editions[2023], "【示例】甲公司", CODE, date(2023, 12, 20))
    revocation = published_revocation(award, date(2025, 3, 1))
    assert revocation.barred_until == date(2039, 12, 31)

    # a candidate list of a later edition, opening in 2038 and in 2040
    later = edition_of(yuncheng, 2038)
    for start, barred in ((date(2038, 9, 1), True), (date(2040, 1, 2), False)):
        entry = PublicityEntry(name="【示例】甲公司", credit_code=CODE, category="organisation")
        flag = entry.check_eligibility(yuncheng, yuncheng.rules(), start)
        assert bool(flag) == barred, (start, flag)
        if barred:
            assert "至2039年12月31日（含当日）不得申报（运政发〔2023〕14号 第三十条）" in flag
    assert later.live
