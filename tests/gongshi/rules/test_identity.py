"""The public identity of a recipient, as the export writes it and the site keys its
winner pages by."""

import pytest

from gongshi.rules.identity import RECIPIENT_ID, recipient_id


@pytest.mark.parametrize(
    ("category", "code", "person", "name", "expected"),
    [
        ("organisation", "91140800MA0000001A", None, "某公司", "91140800MA0000001A"),
        ("organisation", " 91140800ma0000001a ", None, "某公司", "91140800MA0000001A"),
        ("individual", "", "p-0a1b2c3d4e5f", "王示范", "p-0a1b2c3d4e5f"),
        ("individual", "", "p-ffffffffffff", "王示范", "p-ffffffffffff"),  # a namesake
    ],
)
def test_recipient_ids(category, code, person, name, expected):
    assert recipient_id(category, code, person, name) == expected
    assert RECIPIENT_ID.match(expected)


def test_an_organisation_without_a_valid_code_is_a_hash_of_its_name():
    found = recipient_id("organisation", "../../etc", None, "某公司")
    assert found.startswith("o-") and RECIPIENT_ID.match(found) and "公司" not in found


@pytest.mark.parametrize("person", [None, "", "王示范", "p-王示范", "../p-1234"])
def test_a_person_is_never_a_name(person):
    with pytest.raises(ValueError):
        recipient_id("individual", "", person, "王示范")
