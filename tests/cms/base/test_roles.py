"""Roles, the home page and the workflow are recreated by post_migrate, also after a flush."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Locale, Page, Site, WorkflowPage

from cms.base.models import HomePage
from cms.base.roles import APPROVERS


@pytest.mark.django_db(transaction=True)
def test_flush_leaves_a_working_tree_with_roles_and_workflow():
    call_command("flush", interactive=False, verbosity=0)

    home = HomePage.objects.get()
    assert Page.get_first_root_node().get_children().get().specific == home
    assert home.live and home.first_published_at is not None
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert Locale.objects.filter(pk=home.locale_id).exists()
    assert Group.objects.filter(name=APPROVERS).exists()
    assert WorkflowPage.objects.filter(page=home).exists()


@pytest.mark.django_db
def test_admin_login_labels_speak_chinese(client):
    labels = re.findall(r"<label[^>]*>\s*([^<]*?)\s*<", client.get("/admin/login/").text)
    assert labels[:2] == ["用户名", "密码"]
