"""Security headers on every response the CMS makes (Django 5.2 has no CSP of its own).

Django's SecurityMiddleware already sends X-Content-Type-Options, Referrer-Policy,
Cross-Origin-Opener-Policy and, in production, HSTS; XFrameOptionsMiddleware sends
X-Frame-Options. This adds the Content-Security-Policy chosen by path (the admin's, or the
public site's for the report intake) and the Permissions-Policy.
"""

from __future__ import annotations

from django.conf import settings

NO_FRAMING = "frame-ancestors 'none'"


def policy_for(path: str, frame_options: str | None) -> str:
    """The policy for a response to `path`: the longest matching prefix of
    GONGSHI_CSP_BY_PATH, else GONGSHI_CSP. A response Django lets be framed by its own
    origin (X-Frame-Options: SAMEORIGIN, as Wagtail's preview) may be framed by it here too."""
    prefixes = [prefix for prefix in settings.GONGSHI_CSP_BY_PATH if path.startswith(prefix)]
    policy = (
        settings.GONGSHI_CSP_BY_PATH[max(prefixes, key=len)] if prefixes else settings.GONGSHI_CSP
    )
    if (frame_options or "").upper() == "SAMEORIGIN":
        policy = policy.replace(NO_FRAMING, "frame-ancestors 'self'")
    return policy


class SecurityHeadersMiddleware:
    """Placed before XFrameOptionsMiddleware, so it sees that middleware's decision."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            policy_for(request.path_info, response.headers.get("X-Frame-Options")),
        )
        response.headers.setdefault("Permissions-Policy", settings.GONGSHI_PERMISSIONS_POLICY)
        return response


class TwoFactorMiddleware:
    """After the password, the admin asks for the second factor: a staff member with a
    confirmed device types a code before any admin page, and one who must use two-factor
    authentication (twofactor.is_required_for) but has no device is sent to enrol. Placed
    after django-otp's OTPMiddleware, which knows whether this session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseForbidden
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from . import twofactor

        user = request.user
        admin = reverse("wagtailadmin_home")
        if (
            not request.path_info.startswith(admin)
            or not user.is_authenticated
            or user.is_verified()
            or request.path_info in _open_admin_paths()
        ):
            return self.get_response(request)
        if twofactor.is_enrolled(user):
            target = "gongshi_two_factor_verify"
        elif twofactor.is_required_for(user):
            target = "gongshi_two_factor"
        else:
            return self.get_response(request)
        if not _is_navigation(request):
            # The admin's own scripts (fetches from a page) get a refusal, not a page to
            # insert: the code page would otherwise appear inside the page asking for it.
            return HttpResponseForbidden(
                "需要先完成双重认证。".encode(), content_type="text/plain; charset=utf-8"
            )
        next_url = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{next_url}")


def _is_navigation(request) -> bool:
    """A page the browser shows (a link followed, a form sent), not a script's fetch.
    Browsers say which in Sec-Fetch-Mode; clients without it (tests, old browsers) count
    as navigation unless they say they are a script."""
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    return request.headers.get("X-Requested-With") != "XMLHttpRequest"


def _open_admin_paths() -> set[str]:
    """Admin pages reachable between the password and the code: signing in and out, the
    code and enrolment pages, and the translations and icons their pages load."""
    from django.urls import reverse

    names = [
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "gongshi_two_factor",
        "gongshi_two_factor_verify",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",  # the icons, which the admin's script puts into every page
    ]
    return {reverse(name) for name in names}
