"""The four roles of the award office and the one approval workflow they share.

Run after every `migrate` (post_migrate), so a fresh install and an upgraded one end up
with the same groups, permissions and workflow; it never removes what an administrator
added.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.snippets.models import create_extra_permissions

from .models import HomePage, IndependentApprovalTask, SecondApprovalTask

EDITORS = "编辑"
APPROVERS = "审核"
SUPERVISORS = "监督组"
ADMINISTRATORS = "管理员"
WORKFLOW_NAME = "公开审核"

# Page-tree permissions below the home page. Editors cannot publish. Approvers hold
# "publish" because Wagtail publishes a workflow's last approval as the approving user;
# the admin offers them no direct publish, and wagtail_hooks refuses one (ADR 0003).
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    APPROVERS: ["change_page", "publish_page"],
    ADMINISTRATORS: ["add_page", "change_page", "bulk_delete_page", "lock_page", "unlock_page"],
}

MODEL_PERMISSIONS = {
    EDITORS: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        # People in award decisions and publicity lists are chosen or created by editors.
        "recipients.add_person",
        "recipients.change_person",
        "recipients.view_person",
        "govsite.view_indexnumber",
    ],
    APPROVERS: [
        "wagtailadmin.access_admin",
        "reporting.view_reportingchannel",
        "reporting.publish_reportingchannel",
        # The withdrawals awaiting a second approver (待确认撤回, ADR 0035).
        "publishing.view_withdrawalrequest",
        "recipients.view_person",
        "govsite.view_indexnumber",
    ],
    SUPERVISORS: [
        "wagtailadmin.access_admin",
        "reporting.add_reportingchannel",
        "reporting.change_reportingchannel",
        "reporting.view_reportingchannel",
    ],
    ADMINISTRATORS: [
        "wagtailadmin.access_admin",
        "base.add_calendaryear",
        "base.change_calendaryear",
        "base.delete_calendaryear",
        "base.view_calendaryear",
        "recipients.add_person",
        "recipients.change_person",
        "recipients.delete_person",
        "recipients.view_person",
        "reporting.view_reportingchannel",
        "publishing.view_withdrawalrequest",
        "govsite.view_indexnumber",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
    ],
}

# Documents (attachments) are permitted per collection: Wagtail asks a non-superuser's
# groups for GroupCollectionPermission, never for the model permissions above. Given on
# the root collection, they hold in every collection below it. Only files of the
# attachment allow-list can be uploaded (cms/base/attachments.py).
COLLECTION_PERMISSIONS = {
    EDITORS: ["add_document", "change_document", "choose_document"],
    APPROVERS: ["choose_document"],
    ADMINISTRATORS: ["add_document", "change_document", "choose_document"],
}


def ensure_roles_and_workflow(**kwargs):
    # post_migrate reaches this app before later apps have their permissions; create them
    # all now (both calls are idempotent) so every code below exists.
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    # publish/lock permissions of snippets with drafts (all snippet models at once)
    create_extra_permissions(apps.get_app_config("reporting"))
    with transaction.atomic():
        remove_wagtail_default_roles()
        home = ensure_home_page()
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in MODEL_PERMISSIONS}
        for name, codes in MODEL_PERMISSIONS.items():
            groups[name].permissions.add(*[permission(code) for code in codes])
        for name, codes in PAGE_PERMISSIONS.items():
            for code in codes:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page=home, permission=permission(f"wagtailcore.{code}")
                )
        documents = Collection.get_first_root_node() or Collection.add_root(name="Root")
        for name, codes in COLLECTION_PERMISSIONS.items():
            for code in codes:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name],
                    collection=documents,
                    permission=permission(f"wagtaildocs.{code}"),
                )
        ensure_workflow(home, groups[APPROVERS])


def in_group(user, name: str) -> bool:
    """Whether `user` belongs to the role `name` (EDITORS, APPROVERS, ...)."""
    return user.groups.filter(name=name).exists()


def remove_wagtail_default_roles():
    """Wagtail installs English "Editors"/"Moderators" groups (moderators may publish) and
    a "Moderators approval" workflow; while unused they are removed, so that the roles
    above are the only way to publish."""
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    Workflow.objects.filter(name="Moderators approval", workflow_states__isnull=True).delete()


def permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_home_page():
    home = HomePage.objects.first()
    if home is not None:
        if home.first_published_at is None:  # created live by an earlier version
            home.save_revision().publish()
        return home
    root = Page.get_first_root_node() or recreate_root()
    home = root.add_child(instance=HomePage(title="质量奖公示公开平台", slug="gongshi", live=False))
    # Published like any page, so the server records when it went public.
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    else:
        welcome = site.root_page
        site.root_page = home
        site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
        site.save()
        # Wagtail's installation leaves a placeholder "Welcome" page; it has no place here.
        if welcome.specific_class is Page and not welcome.get_children().exists():
            welcome.delete()
    return home


def recreate_root():
    """Wagtail's root page and default locale, which its migrations create; a flushed
    database (as transactional tests leave it for the next one) has neither."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    return Page.add_root(instance=Page(title="Root", slug="root", url_path="/"))


def ensure_workflow(home, approvers: Group):
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        first = IndependentApprovalTask.objects.create(name="审核")
        first.groups.add(approvers)
        second = SecondApprovalTask.objects.create(name="撤销复核（第二审核人）")
        second.groups.add(approvers)
        WorkflowTask.objects.create(workflow=workflow, task=first, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=second, sort_order=1)
    WorkflowPage.objects.get_or_create(page=home, defaults={"workflow": workflow})
    WorkflowContentType.objects.get_or_create(
        # By name: the kernel does not import the apps built on it.
        content_type=ContentType.objects.get_for_model(
            apps.get_model("reporting", "ReportingChannel")
        ),
        defaults={"workflow": workflow},
    )
