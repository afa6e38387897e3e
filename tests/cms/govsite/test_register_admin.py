"""The 索引号 register in the admin (设置 › 索引号登记簿): editors and approvers find an item
by its number; nobody, the superuser included, can add, change or delete a number there."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from factories import draft_notice
from two_factor import log_in

from cms.govsite.models import IndexNumber

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_govsite_indexnumber:list"


@pytest.fixture
def numbered(edition):
    notice = draft_notice(edition, slug="numbered", title="第一批候选名单公示")
    notice.save_revision().publish()
    return IndexNumber.objects.get(page_id=notice.pk)


@pytest.mark.parametrize("role", ["editor", "approver", "admin"])
def test_each_role_finds_an_item_by_its_number(client, users, numbered, role):
    log_in(client, users[role])
    response = client.get(reverse(LIST), {"q": numbered.number})
    assert response.status_code == 200
    page = response.content.decode()
    assert numbered.number in page and "第一批候选名单公示" in page


def test_the_supervision_group_does_not_see_the_register(client, users, numbered):
    log_in(client, users["supervisor"])
    assert client.get(reverse(LIST)).status_code in (302, 403)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_nobody_adds_changes_or_deletes_a_number(client, users, numbered, role):
    superuser = User.objects.create_superuser("root", "root@example.com", "pw")
    for user in (users[role], superuser):
        client.logout()
        log_in(client, user)
        listing = client.get(reverse(LIST)).content.decode()
        assert reverse("wagtailsnippets_govsite_indexnumber:add") not in listing
        for name, args in (
            ("add", ()),
            ("edit", (numbered.pk,)),
            ("delete", (numbered.pk,)),
        ):
            url = reverse(f"wagtailsnippets_govsite_indexnumber:{name}", args=args)
            assert client.get(url).status_code in (302, 403), (user, name)
            client.post(url, {"number": "篡改", "title": "篡改"})
    numbered.refresh_from_db()
    assert numbered.number != "篡改" and numbered.title == "第一批候选名单公示"
    assert IndexNumber.objects.count() == 1
