from django.apps import AppConfig


class RevocationsConfig(AppConfig):
    name = "cms.revocations"
    label = "revocations"
    verbose_name = "撤销公告"

    def ready(self):
        from . import signals  # noqa: F401  (connects receivers)
