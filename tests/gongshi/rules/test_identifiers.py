import pytest

from gongshi.rules import RuleViolation, credit_code, document_number, gbt9704


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("911101080828461726", "911101080828461726"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),  # full width
        (" 91350100 m000100y43 ", "91350100M000100Y43"),  # spaces, lower case
        ("91350100M000100\u200bY43", "91350100M000100Y43"),  # a zero-width space
    ],
)
def test_valid_credit_codes_are_normalised(typed, normalised):
    assert credit_code.validate(typed) == normalised


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("91350100M000100Y44", "校验位错误：第18位应为“3”"),
        ("91350100M000100Y4", "应为18位，当前为17位"),
        ("91350100M000100I43", "不允许的字符：I"),
        ("", "应为18位，当前为0位"),
    ],
)
def test_invalid_credit_codes_say_why(typed, message):
    with pytest.raises(RuleViolation) as refusal:
        credit_code.validate(typed)
    assert message in refusal.value.message
    assert "GB 32100" in refusal.value.message


def test_every_check_character_round_trips():
    for body in ["91140800MA0K00001", "12100000400000624", "52530500MJ0000001"]:
        assert credit_code.is_valid(body + credit_code.check_character(body))


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("运政发〔2023〕14号", "运政发〔2023〕14号"),
        ("金政〔２０２３〕３０号", "金政〔2023〕30号"),
        (" 衡政办发〔2019〕11号 ", "衡政办发〔2019〕11号"),
    ],
)
def test_document_numbers(typed, normalised):
    assert document_number.validate(typed) == normalised
    assert document_number.year_of(normalised) in {2019, 2023}


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("运政发[2023]14号", "运政发〔2023〕14号"),
        ("运政发（2023）14号", "运政发〔2023〕14号"),
        ("运政发(2023)14号", "运政发〔2023〕14号"),
        ("运政发【2023】14", "运政发〔2023〕14号"),
    ],
)
def test_lookalike_brackets_are_refused_with_the_correction(typed, suggestion):
    with pytest.raises(RuleViolation) as refusal:
        document_number.validate(typed)
    assert suggestion in refusal.value.message
    assert "六角括号〔〕" in refusal.value.message


# 文号 typed loosely, as people search for them (gongshi/search reads them the same way)
LOOSE_NUMBERS = [
    ("运政发〔2023〕14号", "运政发〔2023〕14号"),
    ("运政发2023 14号", "运政发〔2023〕14号"),
    ("运政发2023第14号", "运政发〔2023〕14号"),
    ("运政发[2023]14号", "运政发〔2023〕14号"),
    ("运政发（2023）14号", "运政发〔2023〕14号"),
    ("运政发〔2023〕第14号", "运政发〔2023〕14号"),
    ("运政发2023年14号", "运政发〔2023〕14号"),
    ("衡政发2024-9号", "衡政发〔2024〕9号"),
    ("金政２０２３ ３０号", "金政〔2023〕30号"),
    ("运政发\u200b〔2023〕14号", "运政发〔2023〕14号"),  # a zero-width space pasted in
    ("运城2023", None),  # nothing marks it as a 文号
    ("质量奖 2023", None),
    ("2023年度运城市市长质量奖", None),
]


@pytest.mark.parametrize(("typed", "meant"), LOOSE_NUMBERS)
def test_loosely_typed_document_numbers_are_read_as_gbt9704_writes_them(typed, meant):
    assert gbt9704.read_loose(typed) == meant


def test_an_invisible_character_is_not_part_of_a_document_number():
    assert document_number.validate("运政发〔2023〕\u200b14号") == "运政发〔2023〕14号"


@pytest.mark.parametrize("typed", ["运政发2023 14号", "衡政发2024-9号", "运政发2023年14号"])
def test_an_editor_typing_a_number_loosely_is_shown_the_correct_form(typed):
    with pytest.raises(RuleViolation) as refusal:
        document_number.validate(typed)
    assert gbt9704.read_loose(typed) in refusal.value.message


@pytest.mark.parametrize("typed", ["〔2023〕14号", "运政发〔23〕14号", "hello"])
def test_malformed_document_numbers_are_refused(typed):
    with pytest.raises(RuleViolation, match="发文机关代字〔年份〕序号号"):
        document_number.validate(typed)
