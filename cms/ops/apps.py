from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the platform: backups and restores (docs/backup.md)."""

    name = "cms.ops"
    label = "ops"
    verbose_name = "运维"
