"""The content/ contract, as both the exporter and the site's reader apply it."""

import copy

import pytest

from gongshi import contract

NOTICE = {
    "schema": 2,
    "kind": "notice",
    "id": 12,
    "uuid": "6f1c7c1e-0000-4000-8000-000000000012",
    "title": "2023年度运城市市长质量奖候选名单公示",
    "first_published_at": "2023-09-28T09:00:00+08:00",
    "last_published_at": "2023-09-29T10:30:00+08:00",
    "index_number": "11140800MB0000000H/2023-00012",
    "programme": "yuncheng",
    "edition": {"id": 9, "number": 3, "year": 2023, "title": "第三届"},
    "document_number": "",
    "issuing_body": "运城市市场监督管理局",
    "date_signed": "2023-09-25",
    "summary": "",
    "attachments": [],
    "changes": [
        {"published_at": "2023-09-28T09:00:00+08:00", "note": "首次发布", "is_major": True}
    ],
    "notice_type": "candidates",
    "period_rule": {
        "notice_type": "candidates",
        "name": "候选名单公示",
        "article": "第十九条",
        "min_working_days": 5,
        "exact": False,
    },
    "start_rule": "on_publication",
    "start_date": "2023-09-28",
    "end_date": "2023-10-10",
    "working_days": 5,
    "period_corrections": [],
    "objection_method": "书面提出",
    "entries": [
        {
            "name": "运城示例有限公司",
            "recipient_id": "91140800MA0000001A",
            "credit_code": "91140800MA0000001A",
            "category": "organisation",
            "level": "",
            "region": "盐湖区",
            "score": 88,
            "bonus": None,
        }
    ],
}


def changed(path: str, value):
    document = copy.deepcopy(NOTICE)
    *parents, last = path.split(".")
    target = document
    for name in parents:
        target = target[int(name)] if name.isdigit() else target[name]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return document


def test_a_file_round_trips():
    text = contract.dump(NOTICE, "正文第一段。")
    assert contract.load(text, "content/notices/12.md") == (NOTICE, "正文第一段。")
    assert text.startswith('{\n  "schema": 2,') and "运城" in text  # readable Chinese


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("title", KeyError, "title", "缺少此字段"),
        ("title", 5, "title", "应为字符串"),
        ("title", "  ", "title", "不能为空"),
        ("title", "公示\x07", "title", "含有控制字符"),
        ("working_days", "5", "working_days", "应为整数"),
        ("working_days", True, "working_days", "应为整数"),
        ("start_date", "2023/09/28", "start_date", "YYYY-MM-DD"),
        ("first_published_at", "2023-09-28T09:00:00", "first_published_at", "缺少时区"),
        ("notice_type", "final", "notice_type", "不在"),
        ("programme", "Yun Cheng", "programme", "格式不对"),
        ("entries.0.score", "高", "entries[0].score", "应为整数"),
        ("entries.0.category", None, "entries[0].category", "不能为空"),
        ("edition", None, None, None),  # an edition is optional
        ("surprise", 1, "surprise", "不是本类型的字段"),
        ("end_date", "2023-09-01", "end_date", "早于开始日期"),
        ("last_published_at", "2023-09-01T00:00:00+08:00", "last_published_at", "不能早于"),
        ("kind", "novel", "kind", "未知的内容类型"),
        ("schema", 1, "schema", "只读 2"),
        # a person is a person's id, never a name or a code; an organisation is its code
        ("entries.0.category", "individual", "entries[0].recipient_id", "人员编号"),
        ("entries.0.recipient_id", "p-0a1b2c3d4e5f", "entries[0].recipient_id", "组织不能"),
        ("entries.0.recipient_id", "91140800MA0000002D", "entries[0].recipient_id", "应以该代码"),
        ("entries.0.recipient_id", "运城示例有限公司", "entries[0].recipient_id", "格式不对"),
        # a period has an end exactly when it has a length, and only where none is stated
        ("end_date", None, "end_date", "同时给出或同时为空"),
        ("working_days", None, "end_date", "同时给出或同时为空"),
        ("start_rule", "whenever", "start_rule", "不在"),
        ("period_rule.min_working_days", "五", "period_rule.min_working_days", "应为整数"),
    ],
)
def test_each_breach_names_its_field(path, value, field, message):
    problems = contract.check(changed(path, value))
    if field is None:
        assert problems == []
    else:
        assert problems and problems[0][0] == field and message in problems[0][1]


CORRECTION = {
    "published_at": "2023-10-09T10:00:00+08:00",
    "previous_start_date": "2023-09-28",
    "previous_end_date": "2023-10-10",
    "previous_working_days": 5,
    "start_date": "2023-09-28",
    "end_date": "2023-10-12",
    "working_days": 7,
    "reason": "应公众请求延长。",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({}, None, None),
        ({"end_date": None, "working_days": None}, "working_days", "规定了公示期长度"),
        (
            {"period_corrections": [{**CORRECTION, "end_date": "2023-10-09"}]},
            "period_corrections[0].end_date",
            "不能缩短",
        ),
        ({"period_corrections": [CORRECTION]}, "period_corrections", "与公示期不符"),
        (
            {"period_corrections": [CORRECTION], "end_date": "2023-10-12", "working_days": 7},
            None,
            None,
        ),
    ],
)
def test_a_period_is_consistent_and_never_shortened(changes, field, message):
    document = {**copy.deepcopy(NOTICE), **changes}
    problems = contract.check(document)
    if field is None:
        assert problems == []
    else:
        assert any(f == field and message in m for f, m in problems), problems


def test_a_kind_with_no_stated_length_may_have_no_end():
    document = copy.deepcopy(NOTICE)
    document["period_rule"]["min_working_days"] = None
    document["end_date"] = document["working_days"] = None
    assert contract.check(document) == []


def test_loading_names_the_file_and_the_field():
    text = contract.dump(NOTICE).replace('"working_days": 5', '"working_days": "five"')
    with pytest.raises(contract.ContractError) as refusal:
        contract.load(text, "content/notices/12.md")
    assert refusal.value.path == "content/notices/12.md"
    assert refusal.value.field == "working_days"
    assert "content/notices/12.md" in str(refusal.value) and "working_days" in str(refusal.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Title: 旧格式\n\n正文", "应以 JSON 对象"),
        ('{"schema": 1,\n "kind": }', "JSON 格式错误：第2行"),
        ('{"schema": 1}x', "JSON 对象之后应换行"),
    ],
)
def test_malformed_files_are_refused(text, message):
    with pytest.raises(contract.ContractError, match=message):
        contract.load(text, "content/notices/12.md")


def test_a_file_must_live_where_its_kind_and_id_say():
    with pytest.raises(contract.ContractError, match=r"content/notices/12\.md"):
        contract.load(contract.dump(NOTICE), "content/decisions/12.md")


def test_the_exporter_refuses_to_write_a_broken_document():
    with pytest.raises(contract.ContractError, match="date_signed"):
        contract.dump(changed("date_signed", None))


def test_the_contract_needs_no_django():
    import subprocess
    import sys

    code = "import sys, gongshi.contract; assert 'django' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
