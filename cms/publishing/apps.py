from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "cms.publishing"
    label = "publishing"
    verbose_name = "公开站点"

    def ready(self):
        from . import signals  # noqa: F401  (connects receivers)
