"""A unique marker planted in every part of a report, its evidence and the conversation
appears nowhere in plaintext: not in any database table, the media folder, the logs, an
error report or the export the public site is built from. Nor does the reporter's address."""

import logging
import os
import sys
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from intake_client import form_token, jpeg_with_gps, receipt_of, submit, unlock
from two_factor import log_in

from cms.publishing import export
from cms.supervision.models import Case

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"


class Everything(logging.Handler):
    """Keeps every record with all its attributes, formatted as a handler could. The
    loggers are set to DEBUG, as an operator chasing a problem might: the settings must
    keep confidential content out even then."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.texts = []

    def emit(self, record):
        self.texts.append(f"{record.getMessage()} {record.args!r} {vars(record)!r}")


@pytest.fixture
def every_log_record():
    handler = Everything()
    root = logging.getLogger()
    loggers = [
        root,
        *(
            logging.getLogger(name)
            for name in ("django", "django.request", "django.server", "django.security.csrf", "cms")
        ),
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


def database_dump() -> bytes:
    """Every value of every table, as bytes (text encoded as UTF-8)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode("utf-8"))
    return b"\n".join(chunks)


def media_files() -> bytes:
    root = Path(settings.MEDIA_ROOT)
    return b"".join(path.read_bytes() for path in root.rglob("*") if path.is_file())


def test_a_marker_appears_nowhere_in_plaintext(
    channel, open_notice, group_key, users, every_log_record, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    marker = f"MARK{uuid.uuid4().hex}"
    citizen = Client(enforce_csrf_checks=True, REMOTE_ADDR=CLIENT_ADDRESS)
    pdf = BytesIO(f"%PDF-1.4\n% {marker}\n%%EOF".encode())
    pdf.name = f"{marker}.pdf"
    response = submit(
        citizen,
        channel.programme,
        files=[jpeg_with_gps(marker), pdf],
        notice=open_notice.pk,
        subject=f"被举报{marker}",
        text=f"举报内容{marker}",
        name=f"姓名{marker}",
        phone=f"电话{marker}",
        email=f"{marker.lower()}@example.com",
        address=f"地址{marker}",
    )
    assert response.status_code == 200
    receipt = receipt_of(response)
    # A refused attempt too: its echo goes to the browser, nowhere else.
    refused = {**form_token(citizen), "programme": channel.programme.pk, "text": marker}
    refused["csrfmiddlewaretoken"] = "forged" * 10
    assert citizen.post("/report/", refused).status_code == 403

    group = Client()
    log_in(group, users["supervisor"])
    unlock(group)
    case = Case.objects.get()
    url = f"/admin/supervision/{case.pk}/"
    assert marker in group.get(url).content.decode()  # the group can read it
    group.post(url, {"action": "acknowledged"})
    group.post(url, {"action": "ask", "text": f"问题{marker}"})
    group.post(url, {"action": "extend", "working_days": 3, "justification": f"理由{marker}"})
    token = form_token(citizen)["csrfmiddlewaretoken"]
    answered = citizen.post(
        "/report/status/",
        {"csrfmiddlewaretoken": token, "receipt": receipt, "answer": f"答复{marker}"},
    )
    assert f"问题{marker}" in answered.content.decode()  # and the complainant, with the receipt
    group.post(url, {"action": "conclude", "outcome": "not_upheld", "message": f"结果{marker}"})

    secret = receipt.replace("-", "")[8:]
    dump = database_dump()
    assert len(dump) > 10_000  # the dump did read the tables
    for needle in (marker, marker.lower(), secret, CLIENT_ADDRESS):
        assert needle.encode() not in dump, needle
    files = media_files()
    assert marker.encode() not in files and marker.lower().encode() not in files
    assert list(Path(tmp_path).iterdir()) == []  # no upload spilled to a temporary file

    logs = "\n".join(every_log_record.texts)
    assert "/report/" in logs  # the refused post was logged, as a path only
    for needle in (marker, marker.lower(), secret, CLIENT_ADDRESS):
        assert needle not in logs, needle

    exported = "".join(item.text() for item in export.collect())
    assert marker not in exported and marker.lower() not in exported
    assert '"received": 1' in exported and '"concluded": 1' in exported


def test_error_reports_about_the_intake_show_no_form_data_variables_or_address():
    from django.views.debug import ExceptionReporter

    marker = f"MARK{uuid.uuid4().hex}"
    request = RequestFactory().post(
        "/report/", {"text": marker, "name": marker}, REMOTE_ADDR=CLIENT_ADDRESS
    )
    try:
        report_text = marker  # noqa: F841 - a local an error report would show
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    for output in (text, html):
        assert marker not in output and CLIENT_ADDRESS not in output
    assert "boom" in text


def test_error_reports_elsewhere_are_unchanged():
    from django.views.debug import ExceptionReporter

    request = RequestFactory().get("/admin/", REMOTE_ADDR=CLIENT_ADDRESS)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        text = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert CLIENT_ADDRESS in text


def test_the_log_filter_drops_the_request_from_intake_records():
    from cms.supervision.logs import DropIntakeRequests

    request = RequestFactory().post("/report/status/", REMOTE_ADDR=CLIENT_ADDRESS)
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Forbidden: %s", ("/report/status/",), None
    )
    record.request = request
    assert DropIntakeRequests().filter(record) and record.request is None
    server = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("POST /report/ HTTP/1.1", "200", "512"),
        None,
    )
    server.request = object()  # runserver attaches its socket
    DropIntakeRequests().filter(server)
    assert server.request is None
    other = logging.LogRecord("django.request", logging.WARNING, "", 0, "x", (), None)
    other.request = RequestFactory().get("/admin/")
    DropIntakeRequests().filter(other)
    assert other.request is not None


def test_settings_route_django_logs_through_the_filter():
    for name in ("console", "django.server", "mail_admins"):
        assert "drop_intake_requests" in settings.LOGGING["handlers"][name]["filters"]
    assert os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.test").startswith("cms.settings")
