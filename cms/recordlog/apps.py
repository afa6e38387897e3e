from django.apps import AppConfig


class RecordLogConfig(AppConfig):
    name = "cms.recordlog"
    label = "recordlog"
    verbose_name = "公开记录"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
