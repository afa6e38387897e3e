"""The demo's data files: read into typed tables, and a broken entry names its file and
entry."""

import pytest


def write(directory, name, text):
    (directory / name).write_text(text, encoding="utf-8")


def test_the_data_files_read_into_the_tables_the_loader_uses():
    from cms.demo import data

    assert [account[0] for account in data.ACCOUNTS] == [
        "admin", "editor", "approver", "approver2", "supervisor",
    ]  # fmt: skip
    assert list(data.FACTS) == ["yuncheng", "hengyang", "baoshan", "jinshui"]
    assert list(data.EDITIONS) == list(data.FACTS) == list(data.CHANNELS)
    hengyang_2026 = data.EDITIONS["hengyang"][2]
    assert hengyang_2026.publicity == {data.RECOMMENDED: data.OPEN_NOW}
    assert data.EDITIONS["baoshan"][2].drafts == (data.RECOMMENDED,)
    assert data.EDITIONS["baoshan"][0].candidates[0] == ("B1", None)
    assert data.EDITIONS["yuncheng"][0].call == ("2018-03-12", "2018-05-31")
    assert data.RECIPIENTS["hengyang"]["H1"][0] == "【示例】衡阳𠀀样例特种材料有限公司"
    assert data.RECIPIENTS["yuncheng"]["P1"][2] is None
    assert data.PRIZES["jinshui"]["repeat", "organisation"].startswith("证书和奖杯")
    assert data.REVOCATIONS[0].signed == "2024-04-15"
    assert data.DEMO_SITE_IDENTITY["party_government"] is False


@pytest.mark.parametrize(
    ("name", "text", "reader", "message"),
    [
        (
            "accounts.toml",
            '[[account]]\nusername = "a"\nlast_name = "周"\nfirst_name = "建国"\ngroup = "x"\n',
            "_accounts",
            "accounts.toml, account 1: unknown group 'x'",
        ),
        (
            "revocations.toml",
            '[[revocation]]\nprogramme = "yuncheng"\nyear = "2018"\n',
            "_revocations",
            "revocations.toml, revocation 1: year must be an integer, not '2018'",
        ),
        (
            "revocations.toml",
            "[[revocation]]\nprogramme = ",
            "_revocations",
            "revocations.toml: ",
        ),
    ],
)
def test_a_broken_entry_names_the_file_and_the_entry(
    tmp_path, monkeypatch, name, text, reader, message
):
    from cms.demo import data

    write(tmp_path, name, text)
    monkeypatch.setattr(data, "CONTENT_DIR", tmp_path)
    with pytest.raises(data.DemoDataError) as raised:
        getattr(data, reader)()
    assert str(raised.value).startswith(message)


def test_an_edition_naming_an_unknown_recipient_is_refused(tmp_path, monkeypatch):
    from cms.demo import data

    write(
        tmp_path,
        "editions.toml",
        "[[baoshan]]\nnumber = 1\nyear = 2024\ncall = [2024-03-11, 2024-05-31]\n"
        'publicity = { recommended = 2024-08-12 }\ncandidates = [["B9"]]\n',
    )
    monkeypatch.setattr(data, "CONTENT_DIR", tmp_path)
    with pytest.raises(data.DemoDataError, match=r"editions.toml, baoshan edition 1: 'B9'"):
        data._editions(data.RECIPIENTS)
