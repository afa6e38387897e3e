"""A citizen reports online and follows the case with the receipt; the supervision group
reads it in the admin, asks, and concludes. Through the demo's site server, which
forwards /report/ to the CMS as nginx does, so the form shares the site's origin.

Every field carries markup that would run if it were ever rendered raw; the image comes
back to the group without its EXIF."""

import re
from io import BytesIO

import pytest
from browser_support import build_site, log_in, shot
from django.conf import settings as django_settings
from django.utils import timezone
from PIL import Image

from cms.demo.loader import load_demo
from cms.notices.models import PublicityNoticePage
from cms.supervision.models import Case, GroupKey

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]

PASSPHRASE = "gongshi-demo-jiandu"
PAYLOAD = '<script>window.ran=1</script><img src=x onerror="window.ran=2">'


def group_key():
    GroupKey.generate(PASSPHRASE)


def photo_with_gps(path):
    image = Image.new("RGB", (120, 80), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "GPS-Camera"
    exif[0x8825] = {1: "N", 2: (35.0, 1.0, 30.0), 3: "E", 4: (111.0, 0.0, 5.0)}
    image.save(path, format="JPEG", exif=exif.tobytes())
    assert Image.open(path).getexif()
    return path


def no_script_ran(page):
    assert page.evaluate("window.ran === undefined"), "a payload ran"


def test_report_receipt_question_answer_conclusion(
    live_server, new_page, serve_site, tmp_path, settings
):
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    load_demo()
    group_key()
    today = timezone.localdate()
    notice = (
        PublicityNoticePage.objects.live()
        .filter(start_date__lte=today, end_date__gte=today)
        .order_by("pk")
        .first()
    )
    assert notice is not None, "the demo has a notice open today"
    entry = notice.entries.first().name
    build_site(settings.GONGSHI_SITE_DIR)
    site = serve_site(settings.GONGSHI_SITE_DIR, cms_url=live_server.url)

    # The citizen finds the online form from the notice, with it preselected.
    citizen = new_page()
    citizen.goto(f"{site}/notices/{notice.pk}/")
    citizen.get_by_role("link", name="在线举报").first.click()
    expect(citizen.get_by_role("heading", name="在线举报", level=1)).to_be_visible()
    assert citizen.url.startswith(site + "/report/")
    expect(citizen.get_by_label("所涉公示（对公示名单提出异议时选择）")).to_have_value(
        str(notice.pk)
    )
    citizen.get_by_label("被举报单位或个人").fill(entry + PAYLOAD)
    citizen.get_by_label("举报内容").fill("申报的销售额系伪造。" + PAYLOAD)
    citizen.get_by_label("姓名", exact=True).fill("李四" + PAYLOAD)
    citizen.get_by_label("联系电话").fill("139" + PAYLOAD)
    citizen.get_by_label("通信地址").fill("示例路" + PAYLOAD)
    citizen.get_by_label("证据文件（可选，可多选）").set_input_files(
        str(photo_with_gps(tmp_path / "现场照片.jpg"))
    )
    shot(citizen, "report-1-form")
    citizen.get_by_role("button", name="加密提交").click()
    expect(citizen.get_by_role("heading", name="举报已加密提交")).to_be_visible()
    receipt = citizen.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"([0-9A-Z]{4}-){7}[0-9A-Z]{4}", receipt)
    shot(citizen, "report-2-receipt")
    no_script_ran(citizen)
    case = Case.objects.get()
    assert case.notice_id == notice.pk and case.evidence.count() == 1

    # A member of the supervision group unlocks the inbox and reads the case.
    group = new_page()
    group.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    log_in(group, live_server.url, "supervisor")
    group.get_by_role("navigation", name="主菜单").get_by_role("link", name="举报案件").click()
    group.get_by_label("监督组口令").fill(PASSPHRASE)
    group.get_by_role("button", name="解锁").click()
    expect(group.get_by_role("button", name="立即锁定")).to_be_visible()
    group.get_by_role("link", name=case.number).click()
    expect(group.get_by_text("申报的销售额系伪造。" + PAYLOAD)).to_be_visible()
    expect(group.get_by_text(entry + PAYLOAD)).to_be_visible()
    group.get_by_role("button", name="查看举报人身份").click()
    expect(group.get_by_text("李四" + PAYLOAD)).to_be_visible()
    no_script_ran(group)
    shot(group, "report-3-case")
    group.get_by_role("button", name="受理").click()
    group.get_by_label("向举报人提问（举报人凭回执码查看并答复）").fill(
        "请提供合同编号。" + PAYLOAD
    )
    group.get_by_role("button", name="发送问题").click()
    expect(group.get_by_text("问题已加密发送")).to_be_visible()

    # The evidence comes back without its EXIF.
    evidence = case.evidence.get()
    download = group.context.request.get(
        f"{live_server.url}/admin/supervision/{case.pk}/evidence/{evidence.pk}/"
    )
    assert download.ok and download.headers["content-type"] == "image/jpeg"
    image = Image.open(BytesIO(download.body()))
    assert image.size == (120, 80) and not image.getexif()

    # The citizen comes back with the receipt, reads the question and answers it.
    citizen.goto(f"{site}/reporting/")
    citizen.get_by_role("link", name="凭回执码查询办理进度").click()
    citizen.get_by_label("回执码").fill(receipt.lower().replace("-", " "))
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.get_by_text("请提供合同编号。" + PAYLOAD)).to_be_visible()
    expect(citizen.locator(".case-state")).to_have_text("已受理")
    citizen.get_by_label("补充答复").fill("合同编号 HT-001。" + PAYLOAD)
    citizen.get_by_role("button", name="加密提交答复").click()
    expect(citizen.get_by_text("您的答复已加密提交给监督组。")).to_be_visible()
    no_script_ran(citizen)
    shot(citizen, "report-4-status")

    # The group reads the answer and concludes the case.
    group.reload()
    expect(group.get_by_text("合同编号 HT-001。" + PAYLOAD)).to_be_visible()
    group.get_by_role("button", name="开始调查核实").click()
    group.get_by_label("反映属实").check()
    group.get_by_label("给举报人的处理结果说明").fill("经核实，反映属实，已启动更正程序。")
    group.get_by_role("button", name="办结").click()
    expect(group.get_by_role("heading", name="后续处理")).to_be_visible()
    no_script_ran(group)
    shot(group, "report-5-concluded")

    citizen.goto(f"{site}/report/status/")
    citizen.get_by_label("回执码").fill(receipt)
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.locator(".case-state")).to_have_text("已办结（反映属实）")
    expect(citizen.get_by_text("经核实，反映属实，已启动更正程序。")).to_be_visible()
    expect(citizen.get_by_role("heading", name="答复或补充情况")).to_have_count(0)
    shot(citizen, "report-6-outcome")
