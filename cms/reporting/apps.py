from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cms.reporting"
    label = "reporting"
    verbose_name = "举报渠道"

    def ready(self):
        from cms.base.public import shows_in_public_pages

        from .models import ReportingChannel

        shows_in_public_pages(ReportingChannel)  # the report form offers its programme
