from django.apps import AppConfig


class RecordLogConfig(AppConfig):
    name = "cms.recordlog"
    label = "recordlog"
    verbose_name = "公开记录"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.publishing import builds

        from . import export, signals  # noqa: F401  (signals connects receivers)

        # Every build writes the log into content/ and checks it; the build depends on
        # nothing here, and fails if this registration is missing (ADR 0039).
        builds.register_publication_log(export)
