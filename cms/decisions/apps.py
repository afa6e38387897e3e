from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "cms.decisions"
    label = "decisions"
    verbose_name = "表彰决定"
