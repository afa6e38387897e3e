"""Bad input in the publicity-notice editor: a clear message on the field at fault, and
nothing the editor typed is lost."""

from datetime import date

import pytest
from admin_forms import add_url, entry_row, form_errors, notice_form, valid_code
from factories import published_decision, published_revocation
from wagtail.test.utils.form_data import inline_formset

from cms.notices.models import PublicityNoticePage
from cms.programmes.models import EditionPage
from cms.recipients.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, users, clock):
    # Two days before the form's start date of 2023-09-28.
    clock.set("2023-09-26 10:00")
    client.force_login(users["editor"])
    return client


def test_a_short_period_is_refused_on_its_field(editor_client, edition):
    response = editor_client.post(add_url(PublicityNoticePage, edition), notice_form(3))
    errors = form_errors(response)
    assert errors["working_days"] == ["公示期不足5个工作日（运政发〔2023〕14号 第十九条）。"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"document_number": "运示例发[2023]1号"}, "document_number", "运示例发〔2023〕1号"),
        ({"document_number": "第一号"}, "document_number", "发文机关代字〔年份〕序号号"),
        ({"start_date": "2026-12-28"}, "start_date", "2027年的法定节假日和调休安排尚未录入"),
        ({"date_signed": "2099-01-01"}, "date_signed", "成文日期不能晚于今天"),
        ({"start_date": "2023-02-30"}, "start_date", ""),
    ],
)
def test_refusals_name_the_field_and_keep_the_input(
    editor_client, edition, overrides, field, message
):
    response = editor_client.post(
        add_url(PublicityNoticePage, edition), notice_form(5, **overrides)
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    page = response.content.decode()
    assert "书面向监督组提出，须署名并附证明材料。" in page  # the editor's text is still there
    assert not PublicityNoticePage.objects.exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (entry_row(credit_code="91140800MA0K000019"), "credit_code", "校验位错误"),
        (entry_row(credit_code=""), "credit_code", "组织须填写统一社会信用代码"),
        (
            entry_row(category="individual", credit_code="", name=""),
            "category",
            None,
        ),  # Yuncheng awards individuals: a person chosen from the register
        (
            entry_row(category="individual", credit_code="", name="张三"),
            "person",
            "个人须从人员库中选择",
        ),  # a name alone is no one
    ],
)
def test_list_entries_are_checked_row_by_row(editor_client, edition, row, field, message):
    if row["category"] == "individual" and message is None:
        row = {**row, "person": str(Person.objects.create(name="张三").pk)}
    form = notice_form(5, entries=inline_formset([row]))
    response = editor_client.post(add_url(PublicityNoticePage, edition), form)
    if message is None:
        assert response.status_code == 302, form_errors(response)
        return
    errors = form_errors(response)
    assert message in str(errors["entries"]), errors
    assert "约束" not in str(errors)  # no database wording


def test_full_width_digits_and_rare_characters_are_accepted(editor_client, edition):
    rare = "【示例】堃𠀀精密机械有限公司"
    form = notice_form(
        "５",
        document_number="运示例发〔２０２３〕１号",
        entries=inline_formset(
            [
                entry_row(
                    name=rare,
                    credit_code="９１１４０８００ＭＡ０Ｋ００００１"
                    + valid_code("91140800MA0K00001")[-1],
                )
            ]
        ),
    )
    response = editor_client.post(add_url(PublicityNoticePage, edition), form)
    assert response.status_code == 302, form_errors(response)
    notice = PublicityNoticePage.objects.get()
    assert notice.working_days == 5
    assert notice.document_number == "运示例发〔2023〕1号"
    assert notice.end_date == date(2023, 10, 10)
    stored = notice.get_latest_revision_as_object().entries.get()
    assert stored.name == rare
    assert stored.credit_code == valid_code("91140800MA0K00001")


def test_a_barred_organisation_is_flagged_on_a_candidate_list(editor_client, edition, users):
    code = valid_code("91140800MA0K00002")
    earlier = EditionPage(title="2018年度", slug="2018", number=2, year=2018)
    edition.get_parent().add_child(instance=earlier)
    award = published_decision(earlier, "【示例】乙公司", code, date(2018, 12, 1))
    published_revocation(award, date(2021, 5, 1))

    form = notice_form(
        5, entries=inline_formset([entry_row(name="【示例】乙公司", credit_code=code)])
    )
    response = editor_client.post(add_url(PublicityNoticePage, edition), form)
    assert response.status_code == 302, form_errors(response)
    flagged = PublicityNoticePage.objects.get().entries.get()
    assert "因奖项被撤销" in flagged.eligibility_flag
    assert "运政发〔2023〕14号 第三十条" in flagged.eligibility_flag
