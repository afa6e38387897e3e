"""A textarea's "\\r\\n" (every browser sends it) or a control character in any field never
fails the build: text fields are cleaned as they are saved (cms/base/plain_text.py)."""

import pytest
from factories import draft_notice

from cms.base.plain_text import plain
from cms.notices.models import PublicityEntry
from cms.publishing import export

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("第一行\r\n第二行", "第一行\n第二行"),
        ("第一行\r第二行", "第一行\n第二行"),
        ("制表\t保留", "制表\t保留"),
        ("响铃\x07换页\x0c垂直\x0b退格\x08", "响铃换页垂直退格"),
        ("\x1b[31m红色", "[31m红色"),
        ("普通文字", "普通文字"),
    ],
)
def test_plain_text(typed, kept):
    assert plain(typed) == kept


def test_a_notice_written_in_a_browser_is_exported(edition):
    notice = draft_notice(
        edition,
        title="候选名单\x0b公示",
        objection_method="书面提出。\r\n须署名。\r附证明材料。",
        summary="摘要\x1f",
        entries=[PublicityEntry(name="示例\r\n有限公司", category="organisation")],
    )
    notice.save_revision().publish()
    document = next(
        item.document for item in export.collect() if item.document.get("id") == notice.pk
    )
    assert document["objection_method"] == "书面提出。\n须署名。\n附证明材料。"
    assert document["title"] == "候选名单公示"
    assert "\r" not in document["entries"][0]["name"]
