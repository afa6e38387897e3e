from django.urls import path

from . import intake

app_name = "report"
urlpatterns = [
    path("", intake.report, name="form"),
    path("status/", intake.status, name="status"),
]
