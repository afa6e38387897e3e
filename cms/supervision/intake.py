"""The public intake at /report/: submit a report, get a receipt, come back with it.

Served by the CMS's web process on the public site's origin (nginx proxies /report/;
`make demo`'s site server does too). Nothing here records who the client is: rate limits
count an hourly keyed hash of the address (throttle.py), the log filter drops the request
from log records (logs.py), and every page is no-store.
"""

from __future__ import annotations

import logging
import re
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from cms.base.public import read_version_once
from gongshi.rules.errors import RuleViolation

from . import cases, crypto, throttle
from .forms import ReceiptForm, ReportForm, intake_offer, new_form_token
from .models import Case, GroupKey
from .uploads import MemoryOnlyUploadHandler, clean_evidence, megabytes

logger = logging.getLogger(__name__)
# The pages are Jinja2 templates (cms/supervision/jinja2/, environment in cms/govsite/jinja.py):
# in Django's template language the form and the receipt cost a third of a report's CPU.
JINJA2 = "jinja2"
KEPT = "您填写的文字已保留在下方，请核对后重新提交（附件需要重新选择）。"


def private_page(view):
    """No caching anywhere, no referrer to other sites. Nothing inline may run: the
    public site's Content-Security-Policy is set for /report/ by
    cms.security.middleware (GONGSHI_CSP_BY_PATH)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        # same-origin, not no-referrer: with no-referrer Chromium posts "Origin: null",
        # which the CSRF check must refuse.
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


def _csrf_refused(request) -> bool:
    """CsrfViewMiddleware's own check, run once the upload handler is in place (the
    middleware would read the body, and spill files to disk, before the view could)."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


def _limits() -> dict:
    return {
        "max_file": megabytes(settings.GONGSHI_REPORT_MAX_FILE_BYTES),
        "max_files": settings.GONGSHI_REPORT_MAX_FILES,
        "max_request": megabytes(settings.GONGSHI_REPORT_MAX_REQUEST_BYTES),
    }


def _form_page(request, form, problems=(), status=200):
    get_token(request)  # a fresh CSRF cookie for the next attempt
    if not form.is_bound or not form.data.get("form_token"):
        form.initial["form_token"] = new_form_token()
    elif problems:  # a resubmission gets a fresh form token too
        data = form.data.copy()
        data["form_token"] = new_form_token()
        form.data = data
    chosen = form.data.get("programme") if form.is_bound else form.initial.get("programme")
    programme = form.offer.programmes.get(_int(chosen))
    channel = programme.channel if programme else None
    return render(
        request,
        "supervision/public/report_form.html",
        {
            "form": form,
            "problems": list(problems),
            "channel": channel,
            "entries": _entries(form),
            "limits": _limits(),
            "accepting": GroupKey.any_active(),
        },
        status=status,
        using=JINJA2,
    )


def _entries(form) -> list[str]:
    """The names listed on the chosen notice, offered as suggestions for the subject:
    only of a notice the form offers (public, its period open)."""
    notice_id = form.data.get("notice") if form.is_bound else form.initial.get("notice")
    notice = form.offer.notices.get(_int(notice_id))
    return list(notice.entries) if notice else []


# The largest id a page or a row may have (a 32-bit signed integer column).
LARGEST_ID = 2**31 - 1


def _int(value) -> int:
    """An id as the database can compare it; 0 (no such row) for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= LARGEST_ID else 0


class BadQuery(Exception):
    """A query string no link of the site makes; answered 400 with the message."""


@csrf_exempt  # checked in the view, after the memory-only upload handler is installed
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@private_page
@read_version_once
@sensitive_variables()
def report(request):
    if request.method != "POST":
        offer = intake_offer()  # once for the request: the links and the form's lists
        try:
            initial = _preselected(request, offer)
        except BadQuery as problem:
            return _form_page(request, ReportForm(offer=offer), [str(problem)], status=400)
        return _form_page(request, ReportForm(initial=initial, offer=offer))

    length = _int(request.META.get("CONTENT_LENGTH"))
    if length > settings.GONGSHI_REPORT_MAX_REQUEST_BYTES:
        _drain(request, length)
        return _form_page(
            request,
            ReportForm(initial=_preselected(request)),
            [
                f"提交的内容共{megabytes(length)}，超过了{_limits()['max_request']}的上限，未被接收。请减少或压缩附件后重新提交。"
            ],
            status=413,
        )
    uploads = MemoryOnlyUploadHandler(
        request, settings.GONGSHI_REPORT_MAX_FILE_BYTES, settings.GONGSHI_REPORT_MAX_FILES
    )
    request.upload_handlers = [uploads]
    try:
        refused = _csrf_refused(request)
        data, files = request.POST, request.FILES
    except RequestDataTooBig:
        return _form_page(
            request,
            ReportForm(initial=_preselected(request)),
            ["填写的文字过长，未被接收。较长的材料请作为附件上传。"],
            status=413,
        )
    form = ReportForm(data)
    if refused or (token_problem := form.token_problem(settings.GONGSHI_REPORT_FORM_MAX_AGE)):
        reason = (
            "无法确认表单来自本站（可能已过期或浏览器禁用了 Cookie）。"
            if refused
            else token_problem
        )
        return _form_page(request, form, [f"{reason}举报尚未提交。{KEPT}"], status=403)

    # A use of the hourly limit is taken before anything is stored, in one atomic
    # increment, and given back if nothing is stored: concurrent submissions can never
    # store more than the limit (a check, then a count, let 15 through where 3 were left).
    bucket = f"submit:{throttle.client_tag(request)}"
    if not throttle.take(bucket, settings.GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT):
        throttle.give_back(bucket)
        return _form_page(
            request,
            form,
            [f"提交过于频繁，请一小时后再试，或通过电话、信函反映。{KEPT}"],
            status=429,
        )
    stored = False
    try:
        response, stored = _receive(request, form, files, uploads)
        return response
    finally:
        if not stored:
            throttle.give_back(bucket)


def _receive(request, form, files, uploads):
    """Check and store one report; the response and whether it was stored."""
    problems = list(uploads.problems)
    evidence = []
    for upload in files.getlist("evidence"):
        try:
            evidence.append(
                clean_evidence(upload.name, upload.read(), settings.GONGSHI_REPORT_MAX_IMAGE_PIXELS)
            )
        except RuleViolation as refusal:
            problems.append(refusal.message)
    if not form.is_valid() or problems:
        if problems:
            problems.append(f"举报尚未提交。{KEPT}")
        return _form_page(request, form, problems, status=400), False

    data = form.cleaned_data
    programme, notice = data["programme"], data["notice_page"]  # as the form offered them
    submission = cases.Submission(
        programme=programme.pk,
        notice=notice.pk if notice else None,
        channel=programme.channel,
        subject=data["subject"],
        text=data["text"],
        anonymous=data["anonymous"],
        name=data["name"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        evidence=evidence,
    )
    try:
        case, receipt = cases.receive(submission, _receipt_cost())
    except RuleViolation as refusal:
        return _form_page(request, form, [f"{refusal.message}{KEPT}"], status=503), False
    except DatabaseError:
        # Nothing was stored (receive() is one transaction); the reporter keeps the text.
        logger.exception("an intake submission could not be stored")
        message = f"服务器繁忙，举报未能保存，请稍后重新提交。{KEPT}"
        return _form_page(request, form, [message], status=503), False
    response = render(
        request,
        "supervision/public/receipt.html",
        {"receipt": receipt.code, "case": case, "evidence_count": len(evidence)},
        using=JINJA2,
    )
    return response, True


def _preselected(request, offer=None) -> dict:
    """The programme and notice a link from the public site names; a notice id that is
    no number the site could have written raises BadQuery. A notice that is not public
    (or no longer open) is simply not preselected: nothing tells it from one never made."""
    initial = {}
    slug = request.GET.get("programme", "")
    if slug and not re.fullmatch(r"[-\w]{1,255}", slug):  # a NUL would reach the database
        raise BadQuery(
            "链接中的评选项目无效，请从评选项目页面的“我要举报”链接进入，或直接填写举报。"
        )
    offer = offer or intake_offer()
    if programme := offer.programme_by_slug(slug):
        initial["programme"] = programme.pk
    notice = request.GET.get("notice", "")
    if notice:
        if not notice.isascii() or not notice.isdigit() or not _int(notice):
            raise BadQuery(
                "链接中的公示编号无效，请从公示页面的“我要举报”链接进入，或直接填写举报。"
            )
        if int(notice) in offer.notices:
            initial["notice"] = int(notice)
    return initial


def _drain(request, length: int) -> None:
    """Read a refused body up to a bound, so the client sees the answer rather than a
    reset connection; the bytes go nowhere."""
    remaining = min(length, 4 * settings.GONGSHI_REPORT_MAX_REQUEST_BYTES)
    stream = request.META.get("wsgi.input")
    while stream is not None and remaining > 0 and (chunk := stream.read(min(remaining, 1 << 16))):
        remaining -= len(chunk)


def _receipt_cost() -> crypto.KdfCost:
    return crypto.KDF_COSTS[settings.GONGSHI_SUPERVISION_RECEIPT_KDF]


@csrf_exempt  # checked in the view, so that a refused answer is shown back, not lost
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@private_page
@read_version_once
@sensitive_variables()
def status(request):
    """The complainant's view of a case. The receipt travels only in POST bodies, never
    in a URL, so it is in no log and no browser history."""
    if request.method != "POST":
        return _status_form(request, ReceiptForm(), "", 200)
    form = ReceiptForm(request.POST)
    if _csrf_refused(request):
        return _status_form(request, form, "无法确认表单来自本站（可能已过期），请重新提交。", 403)
    if not form.is_valid():
        return _status_form(request, form, "", 400)
    try:
        receipt = crypto.parse_receipt(form.cleaned_data["receipt"])
    except crypto.EnvelopeError as error:
        return _status_form(request, form, str(error), 400)

    # A correct receipt always answers: guessing one is infeasible by its entropy (a
    # 120-bit secret behind a 40-bit lookup id; ADR 0040, nginx's limit_req in front),
    # not by a lock that a stranger could trigger to keep a complainant out. Failed
    # guesses are still counted, atomically, per address, per lookup id and in all: past
    # a limit the answer says so, and the log warns of a guessing campaign.
    found = cases.find_by_receipt(receipt)
    if found is None:
        client = throttle.client_tag(request)
        buckets = [
            ("address", f"receipt:{client}", settings.GONGSHI_RECEIPT_FAILURES_PER_CLIENT),
            (
                "lookup id",
                f"receipt-lookup:{receipt.lookup_id}",
                settings.GONGSHI_RECEIPT_FAILURES_PER_LOOKUP,
            ),
            ("all", "receipt-all", settings.GONGSHI_RECEIPT_FAILURES_GLOBAL),
        ]
        over = False
        for kind, bucket, limit in buckets:
            count = throttle.hit(bucket, limit)
            if count == limit[0] + 1:
                logger.warning("receipt guessing: failures per %s over %s", kind, limit[0])
            over = over or count > limit[0]
        if over:
            return _status_form(
                request,
                form,
                "回执码不正确。近期错误次数过多，请仔细核对后再试（正确的回执码始终可以查询），"
                "或通过电话、信函询问。",
                429,
            )
        return _status_form(request, form, "回执码不正确，请核对后重新输入。", 404)
    case, reply_key = found

    notice = ""
    if answer_text := form.cleaned_data["answer"].strip():
        try:
            cases.answer(case, reply_key, answer_text)
            notice = "您的答复已加密提交给监督组。"
        except RuleViolation as refusal:
            notice = refusal.message
    return render(
        request,
        "supervision/public/status.html",
        {
            "case": case,
            "receipt": receipt.code,
            "messages": cases.messages_for_complainant(case, reply_key),
            "notice": notice,
            "can_answer": case.state != Case.State.CONCLUDED,
            "answer_form": ReceiptForm(initial={"receipt": receipt.code}),
        },
        using=JINJA2,
    )


def _status_form(request, form, problem: str, status: int):
    get_token(request)
    return render(
        request,
        "supervision/public/status_form.html",
        {"form": form, "problem": problem},
        status=status,
        using=JINJA2,
    )
