from django.apps import AppConfig
from django.core import checks


class PublishingConfig(AppConfig):
    name = "cms.publishing"
    label = "publishing"
    verbose_name = "公开站点"

    def ready(self):
        from . import builds, signals  # noqa: F401  (signals connects receivers)

        checks.register(builds.check_publication_log)
