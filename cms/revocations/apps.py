from django.apps import AppConfig


class RevocationsConfig(AppConfig):
    name = "cms.revocations"
    label = "revocations"
    verbose_name = "撤销公告"
