"""Helpers for tests of the confidential intake: publish a channel, submit a report as a
citizen's browser does (CSRF cookie, form token, multipart), read the receipt, unlock the
inbox. Fixtures are in tests/cms/supervision/conftest.py."""

from __future__ import annotations

import re
from io import BytesIO

PASSPHRASE = "测试用监督组口令-correct horse"


def publish_channel(programme, **fields):
    from cms.reporting.models import ReportingChannel

    values = {
        "name": f"{programme.title}监督组",
        "phone": "0359-0000000",
        "email": "jubao@example.com",
        "report_contents": "被举报对象、事实、证据",
        "procedure": "收到后5个工作日内告知是否受理",
        "confidentiality_promise": "对举报人信息严格保密",
        "acknowledge_within_working_days": 5,
        "conclude_within_working_days": 20,
        **fields,
    }
    channel = ReportingChannel(programme=programme, **values)
    channel.save()
    channel.save_revision().publish()
    return channel


def form_token(client, url="/report/") -> dict:
    """Open the form as a browser does: its CSRF cookie and hidden tokens."""
    page = client.get(url).content.decode()
    return {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1],
        "form_token": re.search(r'name="form_token" value="([^"]+)"', page)[1],
    }


def report_data(programme, **fields) -> dict:
    return {
        "programme": programme.pk,
        "notice": "",
        "subject": "运城示例机械有限公司",
        "text": "该公司申报材料中的销售额系伪造。",
        "name": "张三",
        "phone": "13900000000",
        "email": "",
        "address": "",
        **fields,
    }


def submit(client, programme, files=(), **fields):
    """Post a report with fresh tokens; returns the response."""
    data = {**form_token(client), **report_data(programme, **fields)}
    if files:
        data["evidence"] = list(files)
    return client.post("/report/", data)


def receipt_of(response) -> str:
    return re.search(r'id="receipt-code">([0-9A-Z-]+)<', response.content.decode())[1]


def jpeg_with_gps(marker: str = "", size=(64, 48)) -> BytesIO:
    """A JPEG carrying EXIF with GPS coordinates, a camera model and a comment."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "MarkerCam " + marker  # Model
    exif[0x010E] = "Description " + marker  # ImageDescription
    gps = {1: "N", 2: (35.0, 1.0, 30.0), 3: "E", 4: (111.0, 0.0, 5.0)}
    exif[0x8825] = gps
    output = BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes(), comment=marker.encode() or b"c")
    output.seek(0)
    output.name = "现场照片.jpg"
    return output


def unlock(client):
    response = client.post("/admin/supervision/unlock/", {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    return response
