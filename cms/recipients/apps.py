from django.apps import AppConfig


class RecipientsConfig(AppConfig):
    name = "cms.recipients"
    label = "recipients"
    verbose_name = "获奖者"
