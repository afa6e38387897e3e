"""A report from submission to conclusion through the real views: the citizen's form and
status page, the group's inbox; what each side can read at each step."""

import re

import pytest
from django.test import Client
from intake_client import PASSPHRASE, form_token, jpeg_with_gps, receipt_of, submit, unlock
from two_factor import log_in

from cms.supervision.models import Case, CaseAccess

pytestmark = pytest.mark.django_db


def status_page(client, receipt, answer=""):
    token = form_token(client)["csrfmiddlewaretoken"]
    return client.post(
        "/report/status/", {"csrfmiddlewaretoken": token, "receipt": receipt, "answer": answer}
    )


def test_report_question_answer_conclusion(client, users, channel, open_notice, group_key):
    citizen = Client(enforce_csrf_checks=True)
    response = submit(
        citizen,
        channel.programme,
        files=[jpeg_with_gps()],
        notice=open_notice.pk,
        text="材料造假，详见照片。",
    )
    assert response.status_code == 200, response.content.decode()
    receipt = receipt_of(response)
    assert len(receipt.replace("-", "")) == 32
    case = Case.objects.get()
    assert case.state == "received" and case.notice_id == open_notice.pk
    assert case.evidence.count() == 1

    page = status_page(citizen, receipt).content.decode()
    assert "已收到" in page and "暂无消息" in page

    group = Client()
    log_in(group, users["supervisor"])
    locked = group.get(f"/admin/supervision/{case.pk}/").content.decode()
    assert "材料造假" not in locked and "监督组口令" in locked
    unlock(group)
    page = group.get(f"/admin/supervision/{case.pk}/").content.decode()
    assert "材料造假，详见照片。" in page and "现场照片.jpg" in page
    assert "张三" not in page  # identity only on request
    assert CaseAccess.objects.filter(case=case, user=users["supervisor"], action="opened").exists()

    group.post(f"/admin/supervision/{case.pk}/", {"action": "acknowledged"})
    group.post(f"/admin/supervision/{case.pk}/", {"action": "ask", "text": "请提供销售合同编号。"})
    page = status_page(citizen, receipt).content.decode()
    assert "已受理" in page and "请提供销售合同编号。" in page

    page = status_page(citizen, receipt, answer="合同编号 HT-2023-001。").content.decode()
    assert "您的答复已加密提交给监督组" in page and "HT-2023-001" in page
    page = group.get(f"/admin/supervision/{case.pk}/").content.decode()
    assert "合同编号 HT-2023-001。" in page

    identity = group.post(f"/admin/supervision/{case.pk}/", {"action": "identity"})
    assert "张三" in identity.content.decode() and "13900000000" in identity.content.decode()
    group.post(f"/admin/supervision/{case.pk}/", {"action": "investigating"})
    group.post(
        f"/admin/supervision/{case.pk}/",
        {"action": "conclude", "outcome": "upheld", "message": "经核实，反映属实，已更正公示。"},
    )
    case.refresh_from_db()
    assert case.state == "concluded" and case.outcome == "upheld"
    page = status_page(citizen, receipt).content.decode()
    assert "已办结" in page and "经核实，反映属实，已更正公示。" in page
    assert "答复或补充情况" not in page

    evidence = case.evidence.get()
    download = group.get(f"/admin/supervision/{case.pk}/evidence/{evidence.pk}/")
    assert download["Content-Type"] == "image/jpeg"
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(download.content))
    assert image.size == (64, 48)
    assert not image.getexif() and "comment" not in image.info
    actions = set(CaseAccess.objects.filter(case=case).values_list("action", flat=True))
    assert actions >= {"opened", "identity", "evidence", "acted"}
    assert re.search(
        r"办结：反映属实", group.get(f"/admin/supervision/{case.pk}/").content.decode()
    )
    assert PASSPHRASE not in str(group.session.items())


def test_receipts_made_with_argon2id_still_open_after_the_default_changed(
    channel, group_key, settings
):
    """A case received while receipts were stretched with argon2id keeps its costs: its
    receipt finds it, and answers it, under today's unstretched default (ADR 0040)."""
    from cms.supervision import cases, crypto

    def receive(cost):
        submission = cases.Submission(
            programme=channel.programme, notice=None, subject="示例公司", text="事实经过。",
            anonymous=True,
        )  # fmt: skip
        return cases.receive(submission, cost)

    old_case, old_receipt = receive(crypto.KDF_COSTS["interactive"])
    new_case, new_receipt = receive(crypto.KDF_COSTS[settings.GONGSHI_SUPERVISION_RECEIPT_KDF])
    assert (old_case.receipt_opslimit, old_case.receipt_memlimit) == (
        crypto.KDF_COSTS["interactive"].opslimit,
        crypto.KDF_COSTS["interactive"].memlimit,
    )
    assert (new_case.receipt_opslimit, new_case.receipt_memlimit) == (0, 0)
    for case, receipt in ((old_case, old_receipt), (new_case, new_receipt)):
        found, reply_key = cases.find_by_receipt(receipt)
        assert found.pk == case.pk
        cases.answer(found, reply_key, "补充：合同编号 HT-1。")
        boxed = found.messages.get().boxed_for_complainant
        assert crypto.open_for_complainant(reply_key, boxed) == "补充：合同编号 HT-1。"
    # Each receipt opens only its own case, whatever the other's scheme.
    swapped = crypto.Receipt(old_receipt.lookup_id, new_receipt.secret)
    assert cases.find_by_receipt(swapped) is None
    swapped = crypto.Receipt(new_receipt.lookup_id, old_receipt.secret)
    assert cases.find_by_receipt(swapped) is None
