"""The decision editor: an award that has a revocation cannot be taken off its decision;
scores, the talent bonus and validity as the regulations set them."""

from datetime import date

import pytest
from admin_forms import add_url, approve, award_row, decision_form, form_errors, valid_code
from django.urls import reverse
from factories import published_awards, published_decision, published_revocation
from two_factor import log_in
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.decisions.models import Award, AwardDecisionPage
from cms.programmes.models import EditionPage

pytestmark = pytest.mark.django_db


def test_a_revoked_award_cannot_be_deleted_from_its_decision(client, users, edition):
    award = published_decision(
        edition, "【示例】甲公司", valid_code("91140800MA0K00001"), date(2023, 12, 20)
    )
    published_revocation(award, date(2025, 3, 1))
    decision = award.decision

    client.force_login(users["editor"])
    row = {
        "id": str(award.pk),
        "recipient": award.recipient,
        "credit_code": award.credit_code,
        "category": "organisation",
        "level": award.level,
        "region": "",
        "score": "",
        "prize": "",
        "prize_money_yuan": "",
        "DELETE": "1",
    }
    form = nested_form_data(
        {
            "title": decision.title,
            "slug": decision.slug,
            "document_number": "",
            "issuing_body": decision.issuing_body,
            "date_signed": "2023-12-20",
            "summary": "",
            "awards": inline_formset([row], initial=1),
            "body": rich_text(""),
            "attachments": streamfield([]),
            "change_note": "删除获奖者。",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=(decision.pk,)), form)
    assert response.status_code == 200, form_errors(response)
    assert "已有撤销公告，不能从表彰决定中删除" in str(form_errors(response))
    assert Award.objects.filter(pk=award.pk).exists()


def edition_of(programme, year):
    edition = EditionPage(title=f"{year}年度", slug=str(year), number=1, year=year)
    programme.add_child(instance=edition)
    edition.save_revision().publish()
    return edition


@pytest.mark.parametrize(
    ("score", "bonus", "refusal"),
    [
        ("1000", "20", None),  # above 1000 through the bonus, recorded apart
        ("985", "45", None),
        ("1020", "", "人才引进等加分另填在“加分”中，不计入1000分（运政发〔2023〕14号 第三条）"),
        ("900", "12", "加分12分不是每项5或20分的组合（运政发〔2023〕14号 第三条）"),
    ],
)
def test_yuncheng_talent_bonus_lies_outside_the_1000_points(
    client, users, edition, score, bonus, refusal
):
    log_in(client, users["editor"])
    row = award_row(
        recipient="【示例】甲公司",
        credit_code=valid_code("91140800MA0K00001"),
        score=score,
        bonus=bonus,
    )
    response = client.post(add_url(AwardDecisionPage, edition), decision_form([row]))
    if refusal is None:
        assert response.status_code == 302, form_errors(response)
        award = Award.objects.get()
        assert (award.score, award.bonus, award.total_score) == (
            int(score),
            int(bonus),
            int(score) + int(bonus),
        )
    else:
        assert refusal in str(form_errors(response))
        assert not Award.objects.exists()


def test_a_regulation_without_a_bonus_takes_none(client, users, programmes):
    edition = edition_of(programmes["hengyang"], 2024)
    log_in(client, users["editor"])
    row = award_row(
        recipient="【示例】衡阳甲公司",
        credit_code=valid_code("91430400MA0K00001"),
        level="衡阳市市长质量奖",
        score="700",
        bonus="5",
    )
    response = client.post(add_url(AwardDecisionPage, edition), decision_form([row]))
    assert "本奖项的管理办法没有规定加分项" in str(form_errors(response))


@pytest.mark.parametrize(
    ("slug", "level", "last_day"),
    [
        ("baoshan", "保山市市政府质量管理奖", date(2027, 2, 28)),  # 3 years, no 29 Feb
        ("jinshui", "郑州市金水区区长质量奖", date(2028, 2, 29)),  # 4 years, a leap year
    ],
)
def test_an_award_of_29_february_is_valid_to_the_corresponding_day(
    client, users, programmes, slug, level, last_day
):
    edition = edition_of(programmes[slug], 2024)
    log_in(client, users["editor"])
    row = award_row(
        recipient="【示例】闰日公司",
        credit_code=valid_code("91530500MA0K00001"),
        level=level,
        score="800",
    )
    response = client.post(
        add_url(AwardDecisionPage, edition),
        decision_form([row], signed="2024-02-29", **{"action-submit": "1"}),
    )
    assert response.status_code == 302, form_errors(response)
    decision = AwardDecisionPage.objects.get()
    assert approve(client, users["approver"], decision)
    award = Award.objects.get()
    assert (award.valid_from, award.valid_until) == (date(2024, 2, 29), last_day)
    assert award.status == ("valid" if last_day > date.today() else "expired")


def test_a_second_decision_cannot_exceed_the_editions_quota(client, users, edition):
    """运政发〔2023〕14号 第四条: 每届质量奖获奖组织不超过4个, whatever the number of documents."""
    published_awards(
        edition,
        [
            {"recipient": f"【示例】单位{n}", "credit_code": valid_code(f"91140800MA0K0Q{n:03d}")}
            for n in range(3)
        ],
        date(2023, 12, 20),
    )
    log_in(client, users["editor"])
    rows = [
        award_row(recipient=f"【示例】新单位{n}", credit_code=valid_code(f"91140800MA0K0R{n:03d}"))
        for n in range(2)
    ]
    response = client.post(add_url(AwardDecisionPage, edition), decision_form(rows, slug="more"))
    assert "本届其他表彰决定已授予3个，本决定又列了2个（运政发〔2023〕14号 第四条）" in str(
        form_errors(response)
    )
    one = client.post(add_url(AwardDecisionPage, edition), decision_form(rows[:1], slug="more"))
    assert one.status_code == 302, form_errors(one)
