"""The 双重认证 pages (enrolment, the code after the password), the answer to a locked-out
login, and the CMS's page for a request that is too large."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import twofactor

WRONG_CODE = "验证码不正确。请输入身份验证器当前显示的6位数字（每30秒更新），或一个未用过的备用码。"
WRONG_NEW_CODE = (
    "验证码不正确。请输入身份验证器中“质量奖公示公开平台”当前显示的6位数字，并确认手机时间准确。"
)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _wait_message(seconds: int) -> str:
    return f"错误次数过多，请在{seconds}秒后再试。每次输错，等待时间加倍。"


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    """The second step of signing in, for an account with a confirmed device."""
    user = request.user
    if user.is_verified() or not twofactor.is_enrolled(user):
        return redirect(_next_url(request))
    problem = ""
    if request.method == "POST":
        result = twofactor.check(user, request.POST.get("code", ""))
        if result.device is not None:
            otp_login(request, result.device)
            return redirect(_next_url(request))
        problem = _wait_message(result.wait_seconds) if result.wait_seconds else WRONG_CODE
    return render(
        request,
        "security/verify.html",
        {"problem": problem, "next": _next_url(request)},
        status=400 if problem else 200,
    )


@never_cache
@sensitive_post_parameters("code")
def two_factor(request):
    """双重认证: enrol an authenticator app, see the state, renew backup codes, or (where
    not required) switch it off."""
    user = request.user
    required = twofactor.is_required_for(user)
    enrolled = twofactor.is_enrolled(user)
    context = {"required": required, "next": _next_url(request), "problem": ""}
    action = request.POST.get("action") if request.method == "POST" else None

    if enrolled and not user.is_verified():
        return redirect(f"{reverse('gongshi_two_factor_verify')}?next={request.path}")

    if not enrolled:
        device = twofactor.pending_app(user)
        if action == "confirm":
            codes = twofactor.confirm_app(device, request.POST.get("code", ""))
            if codes is not None:
                device.refresh_from_db()
                otp_login(request, device)
                return _backup_codes_page(request, codes, context, just_enrolled=True)
            wait = device.verify_is_allowed()[1]
            context["problem"] = (
                _wait_message(int((wait["locked_until"] - _now()).total_seconds()) + 1)
                if wait and wait.get("locked_until")
                else WRONG_NEW_CODE
            )
        context.update(
            enrolling=True,
            qr_code=twofactor.qr_code_svg(device),
            secret=twofactor.secret_of(device),
        )
        return render(
            request, "security/two_factor.html", context, status=400 if context["problem"] else 200
        )

    if action == "backup_codes":
        return _backup_codes_page(request, twofactor.new_backup_codes(user), context)
    if action == "remove" and not required:
        twofactor.remove(user)
        return redirect("gongshi_two_factor")
    return render(request, "security/two_factor.html", {**context, "enrolled": True})


def _backup_codes_page(request, codes, context, just_enrolled=False):
    return render(
        request,
        "security/two_factor.html",
        {**context, "backup_codes": codes, "just_enrolled": just_enrolled, "enrolled": True},
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def locked_out(request, original_response=None, credentials=None):
    """django-axes's answer once a username has failed too often from one address: the
    admin's login page again, saying why and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"登录失败次数过多，该账号在本机的登录已暂停{minutes}分钟。"
        "请稍后再试；如忘记密码，请联系管理员重置。"
    )
    response = original_response
    if response is None or getattr(response, "context_data", None) is None:
        return render(request, "security/locked_out.html", {"message": message}, status=429)
    form = response.context_data.get("form")
    if form is not None:
        form.errors.clear()
        form.add_error(None, message)
    response.content = response.rendered_content
    response.status_code = 429
    return response


TOO_LARGE = "提交的表单内容过大（文字部分超过%(limit)s），未被接收。请缩短内容，较长的材料请作为文档上传（单个文档不超过%(documents)s）。"
TOO_MANY_FIELDS = "提交的表单项过多，未被接收。请把内容分成几次提交，或联系管理员。"


def bad_request(request, exception=None):
    """400 for the CMS, in Chinese, with the reason when the request was too large."""
    if isinstance(exception, RequestDataTooBig):
        message = TOO_LARGE % {
            "limit": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            "documents": _megabytes(settings.WAGTAILDOCS_MAX_UPLOAD_SIZE),
        }
        status = 413
    elif isinstance(exception, TooManyFieldsSent):
        message, status = TOO_MANY_FIELDS, 400
    else:
        message, status = "请求无法处理（格式不正确）。请返回上一页重试。", 400
    return render(request, "security/error.html", {"message": message}, status=status)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}MB"
