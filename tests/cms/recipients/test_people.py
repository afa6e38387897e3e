"""A person is a record, not a name: through the real admin forms and the workflow, two
people of one name never share an award history or a ban, and a name spelt with an
invisible character is the same name."""

from datetime import date

import pytest
from admin_forms import add_url, approve, award_row, decision_form, form_errors, valid_code
from django.urls import reverse
from factories import published_revocation
from two_factor import log_in

from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import PublicityNoticePage
from cms.programmes.models import EditionPage
from cms.recipients.models import Person

pytestmark = pytest.mark.django_db

ZERO_WIDTH_SPACE = "\u200b"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"


@pytest.fixture
def yuncheng(programmes):
    return programmes["yuncheng"]


def edition_of(programme, year, number):
    edition = EditionPage(
        title=f"{year}年度（第{number}届）", slug=str(year), number=number, year=year
    )
    programme.add_child(instance=edition)
    edition.save_revision().publish()
    return edition


def decide(client, users, edition, rows, signed):
    """The editor writes and submits a decision, an approver publishes it."""
    log_in(client, users["editor"])
    response = client.post(
        add_url(AwardDecisionPage, edition),
        decision_form(rows, signed=signed, **{"action-submit": "1"}),
    )
    assert response.status_code == 302, form_errors(response)
    decision = AwardDecisionPage.objects.child_of(edition).get()
    assert approve(client, users["approver"], decision)
    return decision


def test_two_people_of_one_name_never_share_a_ban(client, users, yuncheng):
    revoked_one = Person.objects.create(name="张三", distinction="甲公司总经理")
    other_one = Person.objects.create(name="张三", distinction="乙公司质量总监")
    first = edition_of(yuncheng, 2018, 2)
    decision = decide(
        client,
        users,
        first,
        [award_row(category="individual", person=str(revoked_one.pk))],
        "2018-12-20",
    )
    award = Award.objects.get(decision=decision)
    assert award.recipient == "张三" and award.person == revoked_one
    revocation = published_revocation(award, date(2020, 3, 1))
    assert revocation.barred_until == date(2034, 12, 31)  # 运政发〔2023〕14号 第三十条

    later = edition_of(yuncheng, 2023, 3)
    log_in(client, users["editor"])
    barred = client.post(
        add_url(AwardDecisionPage, later),
        decision_form([award_row(category="individual", person=str(revoked_one.pk))]),
    )
    assert barred.status_code == 200
    assert "张三 不得授奖：因奖项被撤销，至2034年12月31日（含当日）不得申报" in str(
        form_errors(barred)
    )
    assert "第三十条" in str(form_errors(barred))

    # the other 张三 is someone else: no ban, no repeat, a page of their own
    decision = decide(
        client,
        users,
        later,
        [award_row(category="individual", recipient="张三", person=str(other_one.pk))],
        "2023-12-20",
    )
    award = Award.objects.get(decision=decision)
    assert award.person == other_one and not award.is_repeat
    assert award.recipient_id == other_one.public_id != revoked_one.public_id


def test_an_individual_is_chosen_from_the_register_never_typed(client, users, edition):
    log_in(client, users["editor"])
    typed = client.post(
        add_url(AwardDecisionPage, edition),
        decision_form([award_row(category="individual", recipient="张三")]),
    )
    assert typed.status_code == 200
    assert "个人须从人员库中选择" in str(form_errors(typed))

    person = Person.objects.create(name="张三")
    mismatch = client.post(
        add_url(AwardDecisionPage, edition),
        decision_form([award_row(category="individual", recipient="李四", person=str(person.pk))]),
    )
    assert "与所选人员“张三”不一致" in str(form_errors(mismatch))

    organisation = client.post(
        add_url(AwardDecisionPage, edition),
        decision_form(
            [
                award_row(
                    recipient="甲公司",
                    credit_code=valid_code("91140800MA0K00001"),
                    person=str(person.pk),
                )
            ]
        ),
    )
    assert "组织以统一社会信用代码识别" in str(form_errors(organisation))
    assert not AwardDecisionPage.objects.exists()


def test_a_namesake_spelt_with_a_zero_width_space_is_the_same_name(client, users):
    Person.objects.create(name="张三", distinction="甲公司总经理")
    log_in(client, users["editor"])
    add = reverse("wagtailsnippets_recipients_person:add")
    sneaky = client.post(add, {"name": f"张{ZERO_WIDTH_SPACE}三", "distinction": ""})
    assert sneaky.status_code == 200
    assert "已有同名人员：张三（甲公司总经理）" in sneaky.content.decode()
    same = client.post(add, {"name": "张三", "distinction": f"甲公司{ZERO_WIDTH_SPACE}总经理"})
    assert "区分信息与同名人员相同" in same.content.decode()
    assert Person.objects.count() == 1

    told_apart = client.post(add, {"name": f"张{ZERO_WIDTH_SPACE}三", "distinction": "乙公司"})
    assert told_apart.status_code == 302
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张三", "张三"]


def test_an_invisible_character_does_not_slip_a_banned_organisation_past_the_ban(
    client, users, yuncheng
):
    code = valid_code("91140800MA0K00001")
    first = edition_of(yuncheng, 2018, 2)
    decision = decide(
        client,
        users,
        first,
        [award_row(recipient="【示例】甲公司", credit_code=code)],
        "2018-12-20",
    )
    published_revocation(Award.objects.get(decision=decision), date(2020, 3, 1))
    later = edition_of(yuncheng, 2023, 3)
    log_in(client, users["editor"])
    typed = f"【示例】{RIGHT_TO_LEFT_OVERRIDE}甲{ZERO_WIDTH_SPACE}公司"
    barred = client.post(
        add_url(AwardDecisionPage, later),
        decision_form(
            [award_row(recipient=typed, credit_code=code.lower())],
            title=f"关于表彰{ZERO_WIDTH_SPACE}2023年度获奖者的决定",
        ),
    )
    assert "不得授奖：因奖项被撤销" in str(form_errors(barred))


def test_names_and_titles_are_stored_without_invisible_characters(client, users, edition):
    log_in(client, users["editor"])
    response = client.post(
        add_url(AwardDecisionPage, edition),
        decision_form(
            [
                award_row(
                    recipient=f"【示例】甲{ZERO_WIDTH_SPACE}公司\ufeff",
                    credit_code=valid_code("91140800MA0K00001"),
                )
            ],
            title=f"{RIGHT_TO_LEFT_OVERRIDE}关于表彰2023年度获奖者的决定",
            document_number=f"运政发〔2023〕{ZERO_WIDTH_SPACE}30号",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    decision = AwardDecisionPage.objects.get()
    assert decision.title == "关于表彰2023年度获奖者的决定"
    assert decision.document_number == "运政发〔2023〕30号"
    assert Award.objects.get().recipient == "【示例】甲公司"


def test_the_chooser_lists_people_apart_and_creates_one(client, users):
    Person.objects.create(name="张三", distinction="甲公司总经理")
    Person.objects.create(name="张三", distinction="乙公司质量总监")
    log_in(client, users["editor"])
    chooser = client.get(reverse("wagtailsnippetchoosers_recipients_person:choose"))
    assert chooser.status_code == 200
    html = chooser.json()["html"]
    assert "张三（甲公司总经理）" in html and "张三（乙公司质量总监）" in html
    assert "新建人员" in html

    create = reverse("wagtailsnippetchoosers_recipients_person:create")
    refused = client.post(create, {"name": "张三", "distinction": ""})
    assert refused.json()["step"] == "reshow_creation_form"
    assert "已有同名人员" in refused.json()["htmlFragment"]
    created = client.post(create, {"name": "张三", "distinction": "丙公司技术总监"})
    assert created.json()["step"] == "chosen"
    assert Person.objects.filter(distinction="丙公司技术总监").exists()


def test_an_award_row_keeps_its_person_when_the_decision_is_edited(client, users, edition):
    person = Person.objects.create(name="张三")
    decision = decide(
        client,
        users,
        edition,
        [award_row(category="individual", person=str(person.pk))],
        "2023-12-20",
    )
    award = Award.objects.get(decision=decision)
    log_in(client, users["editor"])
    form = decision_form(
        [award_row(id=str(award.pk), category="individual", person=str(person.pk))],
        title=decision.title,
        slug=decision.slug,
        change_note="更正摘要。",
        summary="更正",
        **{"action-submit": "1"},
    )
    form["awards-INITIAL_FORMS"] = "1"
    edited = client.post(reverse("wagtailadmin_pages:edit", args=(decision.pk,)), form)
    assert edited.status_code == 302, form_errors(edited)
    assert approve(client, users["approver2"], decision)
    award.refresh_from_db()
    assert award.person == person and award.recipient == "张三"


def test_people_awaiting_review_are_on_the_dashboard(client, users):
    log_in(client, users["editor"])
    assert "待核实的个人" not in client.get(reverse("wagtailadmin_home")).content.decode()
    Person.objects.create(name="张三", needs_review=True, review_note="迁移时按姓名归并")
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待核实的个人" in dashboard and "有1位个人" in dashboard
    listed = client.get(reverse("wagtailsnippets_recipients_person:list") + "?needs_review=true")
    assert listed.status_code == 200 and "张三" in listed.content.decode()


def test_the_decision_and_list_editors_offer_the_person_chooser(client, users, edition):
    log_in(client, users["editor"])
    chooser = reverse("wagtailsnippetchoosers_recipients_person:choose")
    for model in (AwardDecisionPage, PublicityNoticePage):
        page = client.get(add_url(model, edition)).content.decode()
        assert chooser in page, model  # each row's 个人 field opens the people chooser
