"""Keep reporters out of logs and error reports.

Django attaches the request (with the client's address and the posted form) to log
records of failed requests, and error e-mails show every frame's local variables. For
the intake (/report/) both are dropped: a report's text or its sender's address must not
leave through a log line or an administrator's mailbox.
"""

from __future__ import annotations

import logging

from django.views.debug import SafeExceptionReporterFilter

INTAKE_PREFIX = "/report"
HIDDEN = "（举报受理页面：不记录）"


def is_intake(path: str) -> bool:
    return path == INTAKE_PREFIX or path.startswith(INTAKE_PREFIX + "/")


class DropIntakeRequests(logging.Filter):
    """Removes the request from records about the intake; keeps the line itself."""

    def filter(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path is None and record.name == "django.server" and record.args:
            # runserver's request line: "POST /report/ HTTP/1.1"
            line = str(record.args[0]).split()
            path = line[1] if len(line) > 1 else None
        if path is not None and is_intake(path):
            record.request = None
        return True


class IntakeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports about the intake show no form data, no variables, no client."""

    def get_post_parameters(self, request):
        if request is not None and is_intake(request.path):
            return {name: HIDDEN for name in request.POST}
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if request is not None and is_intake(request.path):
            return [("variables", HIDDEN)]
        return super().get_traceback_frame_variables(request, tb_frame)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if is_intake(request.path):
            return {
                name: value
                for name, value in meta.items()
                if name not in ("REMOTE_ADDR", "REMOTE_HOST") and not name.startswith("HTTP_")
            }
        return meta

    def get_safe_cookies(self, request):
        if is_intake(request.path):
            return {}
        return super().get_safe_cookies(request)
