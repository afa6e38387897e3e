from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BaseConfig(AppConfig):
    name = "cms.base"
    label = "base"
    verbose_name = "基础"

    def ready(self):
        from . import public, roles, signals  # noqa: F401  (connects receivers)

        post_migrate.connect(roles.ensure_roles_and_workflow, sender=self)
