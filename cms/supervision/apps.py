from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "cms.supervision"
    label = "supervision"
    verbose_name = "监督组案件"
