from django.apps import AppConfig


class GovsiteConfig(AppConfig):
    name = "cms.govsite"
    label = "govsite"
    verbose_name = "政府网站"

    def ready(self):
        from cms.base.public import shows_in_public_pages

        from . import signals  # noqa: F401  (connects receivers)
        from .models import SiteIdentity

        shows_in_public_pages(SiteIdentity)  # the chrome of /report/ shows it
