"""The formats of the site's registration numbers and of 索引号, as tables of cases."""

import pytest

from gongshi.rules import website
from gongshi.rules.errors import RuleViolation


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", ""),
        ("晋ICP备12345678号-1", "晋ICP备12345678号-1"),
        (" 晋ICP备 12345678号 ", "晋ICP备12345678号"),
        ("京ICP证030173号", "京ICP证030173号"),
        ("晋ＩＣＰ备１２３４５６７８号－２", "晋ICP备12345678号-2"),  # full-width as pasted
    ],
)
def test_icp_numbers_kept(typed, kept):
    assert website.clean_icp_number(typed) == kept


@pytest.mark.parametrize(
    "typed", ["ICP备12345678号", "晋ICP12345678", "晋ICP备1234号", "沪公网安备"]
)
def test_icp_numbers_refused(typed):
    with pytest.raises(RuleViolation) as refused:
        website.clean_icp_number(typed)
    assert refused.value.field == "icp_number" and "晋ICP备12345678号-1" in refused.value.message


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        (
            "晋公网安备14080202000123号",
            "https://beian.mps.gov.cn/#/query/webSearch?code=14080202000123",
        ),
        (
            "京公网安备 11010502030143号",
            "https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143",
        ),
    ],
)
def test_police_numbers_link_to_their_record(typed, link):
    assert website.clean_police_number(typed) == typed.replace(" ", "")
    assert website.police_link(typed) == link


@pytest.mark.parametrize(
    "typed", ["晋公网安备1408020200012号", "公网安备14080202000123号", "晋ICP备12345678号"]
)
def test_police_numbers_refused_and_never_linked(typed):
    with pytest.raises(RuleViolation):
        website.clean_police_number(typed)
    assert website.police_link(typed) == ""


@pytest.mark.parametrize(
    ("typed", "valid"),
    [("1408000001", True), ("bm14000001", True), ("14080001", False), ("1408-00001", False)],
)
def test_site_identification_codes(typed, valid):
    if valid:
        assert website.clean_site_id_code(typed) == typed
    else:
        with pytest.raises(RuleViolation):
            website.clean_site_id_code(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", ""),
        ("11140800mb0000000h", "11140800MB0000000H"),
        ("000014349", "000014349"),
        ("01234567-X", "01234567-X"),
    ],
)
def test_organisation_codes_kept(typed, kept):
    assert website.clean_organisation_code(typed) == kept


@pytest.mark.parametrize("typed", ["11140800MB0000000A", "1114", "11140800MB0000000H/2024"])
def test_organisation_codes_refused(typed):
    with pytest.raises(RuleViolation) as refused:
        website.clean_organisation_code(typed)
    assert refused.value.field == "organisation_code"


@pytest.mark.parametrize(
    ("code", "year", "sequence", "number"),
    [
        ("11140800MB0000000H", 2024, 12, "11140800MB0000000H/2024-00012"),
        ("000014349", 2017, 110, "000014349/2017-00110"),
        ("", 2024, 1, "2024-00001"),
        ("11140800MB0000000H", 2024, 123456, "11140800MB0000000H/2024-123456"),
    ],
)
def test_index_numbers_written_and_read_back(code, year, sequence, number):
    assert website.index_number(code, year, sequence) == number
    assert website.parse_index_number(number) == (code, year, sequence)


@pytest.mark.parametrize(
    "text", ["运政发〔2023〕14号", "2024-12", "11140800MB0000000H/24-00012", ""]
)
def test_other_text_is_no_index_number(text):
    assert website.parse_index_number(text) is None
