from django.urls import path

from . import inbox

app_name = "supervision"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("unlock/", inbox.unlock, name="unlock"),
    path("lock/", inbox.lock, name="lock"),
    path("conflicts/", inbox.conflicts, name="conflicts"),
    path("<int:pk>/", inbox.case_detail, name="case"),
    path("<int:pk>/evidence/<int:evidence_pk>/", inbox.evidence_file, name="evidence"),
]
