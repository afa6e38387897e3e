from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "cms.programmes"
    label = "programmes"
    verbose_name = "评选项目"
