from django.apps import AppConfig


class GovsiteConfig(AppConfig):
    name = "cms.govsite"
    label = "govsite"
    verbose_name = "政府网站"

    def ready(self):
        from . import signals  # noqa: F401  (connects receivers)
