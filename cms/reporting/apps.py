from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cms.reporting"
    label = "reporting"
    verbose_name = "举报渠道"
