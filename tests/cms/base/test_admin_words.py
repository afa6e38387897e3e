"""What the admin's forms and lists show in words: no Python None/True/False where a
value is not computed yet or is a yes/no, and page counts that name what they count."""

import re

import pytest
from django.urls import reverse
from two_factor import log_in

from cms.revocations.models import RevocationPage
from tests.admin_forms import add_url

pytestmark = pytest.mark.django_db

PYTHON_WORDS = re.compile(r">\s*(None|True|False)\s*<|个None")


def test_a_new_revocation_says_its_ban_is_computed_on_saving(programmes, users, client):
    log_in(client, users["editor"])
    response = client.get(add_url(RevocationPage, programmes["yuncheng"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "禁止申报至" in html
    assert "尚未确定（保存后自动计算）" in html
    assert not PYTHON_WORDS.search(html), PYTHON_WORDS.search(html)


def test_page_search_counts_pages_not_none(edition, users, client):
    log_in(client, users["editor"])
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "2023"})
    html = response.content.decode()
    assert not PYTHON_WORDS.search(html), PYTHON_WORDS.search(html)


def test_the_users_list_has_no_python_words(users, client):
    log_in(client, users["admin"])
    response = client.get(reverse("wagtailusers_users:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert not PYTHON_WORDS.search(html), PYTHON_WORDS.search(html)


def test_live_pages_are_called_published(edition, users, client):
    log_in(client, users["editor"])
    response = client.get(reverse("wagtailadmin_explore", args=(edition.get_parent().pk,)))
    html = response.content.decode()
    assert "已发布" in html
    assert "在用" not in html


def test_the_help_menu_leads_to_the_platforms_guide(users, client):
    log_in(client, users["editor"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("gongshi_editor_guide") in html
    assert "guide.wagtail.org" not in html
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    assert "Wagtail" not in text
    guide = client.get(reverse("gongshi_editor_guide"))
    assert guide.status_code == 200
    assert "编辑指南" in guide.content.decode()
    for name in ("..%2F..%2FREADME.md", "README.md", "missing.png"):
        response = client.get(f"{reverse('gongshi_editor_guide')}editor-guide/{name}")
        assert response.status_code in (301, 404)  # never the file


def test_the_guide_shows_its_screenshots_and_they_stay_small(users, client):
    from django.conf import settings

    guide = (settings.BASE_DIR / "docs" / "editor-guide.md").read_text(encoding="utf-8")
    names = re.findall(r"\]\(editor-guide/([a-z0-9-]+\.png)\)", guide)
    assert len(names) >= 10
    for name in names:
        path = settings.BASE_DIR / "docs" / "editor-guide" / name
        assert path.stat().st_size < 60_000, name
    for step in ("发布一则公示", "发布一份表彰决定", "更正", "撤回", "撤销一个奖项"):
        assert step in guide
    log_in(client, users["editor"])
    html = client.get(reverse("gongshi_editor_guide")).content.decode()
    assert f'src="editor-guide/{names[0]}"' in html
    image = client.get(f"{reverse('gongshi_editor_guide')}editor-guide/{names[0]}")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
