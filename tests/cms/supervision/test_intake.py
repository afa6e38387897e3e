"""Bad input and abuse at /report/: each gets a clear message in Chinese, nothing typed
is lost, nothing already submitted is touched, and no file ever reaches the disk."""

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from django.test import Client
from intake_client import (
    PASSPHRASE,
    form_token,
    jpeg_with_gps,
    publish_channel,
    receipt_of,
    report_data,
    submit,
)

from cms.supervision.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return Client(enforce_csrf_checks=True)


def page_of(response) -> str:
    return response.content.decode()


def named_file(data: bytes, name: str) -> BytesIO:
    file = BytesIO(data)
    file.name = name
    return file


def test_the_form_preselects_programme_and_notice(citizen, channel, open_notice, group_key):
    response = citizen.get(f"/report/?programme=yuncheng&notice={open_notice.pk}")
    page = page_of(response)
    assert f'<option value="{channel.programme.pk}" selected>' in page
    assert f'<option value="{open_notice.pk}" selected>' in page
    assert '<option value="运城示例机械有限公司">' in page  # the notice's entries, suggested
    assert response["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # No inline script or style; the one script is the site's own 关怀版 switch.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/theme/js/care-mode.js">']
    assert "style=" not in page


def test_a_valid_report_gets_a_receipt_shown_once(citizen, channel, group_key):
    response = submit(citizen, channel.programme)
    assert response.status_code == 200
    receipt = receipt_of(response)
    case = Case.objects.get()
    assert receipt.replace("-", "").startswith(case.receipt_lookup)
    assert receipt.replace("-", "")[8:] not in str(Case.objects.values().get())


def test_a_forged_csrf_token_keeps_the_text_and_stores_nothing(citizen, channel, group_key):
    tokens = form_token(citizen)
    data = {**tokens, **report_data(channel.programme, text="我写了很久的举报内容")}
    data["csrfmiddlewaretoken"] = "x" * 64
    response = citizen.post("/report/", data)
    assert response.status_code == 403
    page = page_of(response)
    assert "无法确认表单来自本站" in page and "举报尚未提交" in page
    assert "我写了很久的举报内容" in page  # kept for the next attempt
    assert Case.objects.count() == 0


def test_an_expired_form_token_keeps_the_text(citizen, channel, group_key, settings):
    settings.GONGSHI_REPORT_FORM_MAX_AGE = -1
    response = submit(citizen, channel.programme, text="过期前写好的内容")
    assert response.status_code == 403
    assert "表单已过期" in page_of(response) and "过期前写好的内容" in page_of(response)
    assert Case.objects.count() == 0


def test_a_tampered_form_token_is_refused(citizen, channel, group_key):
    data = {**form_token(citizen), **report_data(channel.programme)}
    data["form_token"] = "report:forged:signature"
    response = citizen.post("/report/", data)
    assert response.status_code == 403 and "表单校验信息无效" in page_of(response)


def test_missing_fields_are_named(citizen, channel, group_key):
    response = submit(citizen, channel.programme, subject="", text="", name="", phone="")
    page = page_of(response)
    assert response.status_code == 400
    assert "请填写被举报的单位或个人。" in page and "请填写举报内容。" in page
    assert "实名举报请填写姓名和至少一种联系方式" in page


def test_anonymous_reports_keep_no_contact_even_if_typed(citizen, channel, group_key, users):
    response = submit(citizen, channel.programme, anonymous="on", name="王五", phone="123")
    assert response.status_code == 200
    from cms.supervision import crypto
    from cms.supervision.cases import read_identity

    private_key = crypto.unlock(group_key.locked, PASSPHRASE)
    identity = read_identity(Case.objects.get(), {group_key.pk: private_key}, users["supervisor"])
    assert identity == {"anonymous": True, "name": "", "phone": "", "email": "", "address": ""}


def test_anonymous_reports_are_refused_where_the_channel_says_so(citizen, programmes, group_key):
    channel = publish_channel(programmes["jinshui"], anonymous_accepted=False)
    response = submit(citizen, channel.programme, anonymous="on", text="保留的内容")
    assert response.status_code == 400
    assert "不受理匿名举报" in page_of(response) and "保留的内容" in page_of(response)


def test_a_notice_of_another_programme_is_refused(citizen, programmes, open_notice, group_key):
    other = publish_channel(programmes["hengyang"])
    response = submit(citizen, other.programme, notice=open_notice.pk)
    assert response.status_code == 400 and "不属于所选评选项目" in page_of(response)


def test_overlong_text_is_refused_with_its_limit(citizen, channel, group_key):
    response = submit(citizen, channel.programme, text="长" * 20_001)
    assert response.status_code == 400 and "不超过20000字" in page_of(response)


def test_an_oversized_body_is_refused_before_it_is_read(citizen, channel, group_key, settings):
    settings.GONGSHI_REPORT_MAX_REQUEST_BYTES = 50_000
    big = named_file(b"%PDF-1.4\n" + b"0" * 60_000, "big.pdf")
    response = submit(citizen, channel.programme, files=[big])
    assert response.status_code == 413
    assert "超过了0.0476837MB的上限，未被接收" in page_of(response)
    assert Case.objects.count() == 0


def test_an_oversized_file_is_dropped_and_named(citizen, channel, group_key, settings):
    settings.GONGSHI_REPORT_MAX_FILE_BYTES = 10_000
    big = named_file(b"%PDF-1.4\n" + b"0" * 20_000, "合同.pdf")
    response = submit(citizen, channel.programme, files=[big], text="保留的举报")
    assert response.status_code == 400
    assert "文件“合同.pdf”超过" in page_of(response) and "保留的举报" in page_of(response)
    assert Case.objects.count() == 0


def test_too_many_files_are_refused(citizen, channel, group_key, settings):
    settings.GONGSHI_REPORT_MAX_FILES = 2
    files = [named_file(b"%PDF-1.4\n%%EOF", f"{n}.pdf") for n in range(3)]
    response = submit(citizen, channel.programme, files=files)
    assert response.status_code == 400 and "最多上传2个文件" in page_of(response)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "照片.jpg"),  # a Windows program named as a photo
        (b"<html><script>alert(1)</script></html>", "证据.pdf"),
        (b"PK\x03\x04" + b"\x00" * 100, "材料.png"),
    ],
)
def test_types_are_checked_from_the_content_not_the_name(citizen, channel, group_key, data, name):
    response = submit(citizen, channel.programme, files=[named_file(data, name)])
    assert response.status_code == 400
    assert f"文件“{name}”的实际类型不在允许之列" in page_of(response)
    assert Case.objects.count() == 0


def test_a_broken_image_is_refused(citizen, channel, group_key):
    broken = named_file(jpeg_with_gps().getvalue()[:200], "坏图.jpg")
    response = submit(citizen, channel.programme, files=[broken])
    assert response.status_code == 400 and "已损坏或无法读取" in page_of(response)


def test_uploads_never_touch_the_disk(citizen, channel, group_key, settings, tmp_path):
    """A file larger than Django's in-memory threshold would go to FILE_UPLOAD_TEMP_DIR."""
    spill = tmp_path / "uploads"
    spill.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spill)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    pdf = named_file(b"%PDF-1.4\n" + b"1" * 200_000 + b"\n%%EOF", "报表.pdf")
    response = submit(citizen, channel.programme, files=[pdf])
    assert response.status_code == 200
    assert list(spill.iterdir()) == []
    assert Case.objects.get().evidence.count() == 1


def test_a_flood_from_one_client_is_limited_without_storing_its_address(
    channel, group_key, settings
):
    settings.GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT = (2, 3600)
    flooder = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.23")
    assert submit(flooder, channel.programme).status_code == 200
    assert submit(flooder, channel.programme).status_code == 200
    refused = submit(flooder, channel.programme, text="第三次的内容")
    assert refused.status_code == 429
    assert "提交过于频繁" in page_of(refused) and "第三次的内容" in page_of(refused)
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.24")
    assert submit(other, channel.programme).status_code == 200
    assert Case.objects.count() == 3
    assert "198.51.100.23" not in str(list(Case.objects.values()))
    assert not any("198.51.100.23" in str(key) for key in cache._cache)  # locmem's keys


def test_receipt_guessing_is_counted_per_lookup_id(citizen, channel, group_key, settings):
    settings.GONGSHI_RECEIPT_FAILURES_PER_LOOKUP = (3, 3600)
    receipt = receipt_of(submit(citizen, channel.programme)).replace("-", "")
    token = form_token(citizen)["csrfmiddlewaretoken"]
    for guess in range(4):
        wrong = receipt[:8] + f"{guess:024d}"
        response = citizen.post("/report/status/", {"csrfmiddlewaretoken": token, "receipt": wrong})
        assert "回执码不正确" in page_of(response)
        assert response.status_code == (404 if guess < 3 else 429)
    assert "错误次数过多" in page_of(response)
    # The lookup id is locked by guesses; its owner, with the correct receipt, is not.
    answered = citizen.post("/report/status/", {"csrfmiddlewaretoken": token, "receipt": receipt})
    assert answered.status_code == 200


def test_receipt_guessing_is_throttled_per_client(citizen, channel, group_key, settings):
    settings.GONGSHI_RECEIPT_FAILURES_PER_CLIENT = (2, 3600)
    token = form_token(citizen)["csrfmiddlewaretoken"]
    for lookup in ("AAAAAAAA", "BBBBBBBB"):
        citizen.post(
            "/report/status/", {"csrfmiddlewaretoken": token, "receipt": lookup + "0" * 24}
        )
    refused = citizen.post(
        "/report/status/", {"csrfmiddlewaretoken": token, "receipt": "CCCCCCCC" + "0" * 24}
    )
    assert refused.status_code == 429


def test_a_malformed_receipt_is_explained(citizen, channel, group_key):
    token = form_token(citizen)["csrfmiddlewaretoken"]
    response = citizen.post("/report/status/", {"csrfmiddlewaretoken": token, "receipt": "123"})
    assert response.status_code == 400 and "回执码格式不正确" in page_of(response)


def test_without_a_group_key_nothing_is_accepted_and_the_text_is_kept(citizen, channel):
    response = submit(citizen, channel.programme, text="没有密钥时写的内容")
    assert response.status_code == 503
    assert "尚未设置加密密钥" in page_of(response) and "没有密钥时写的内容" in page_of(response)
    assert Case.objects.count() == 0
