from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Staff accounts' security: two-factor authentication, the answer to too many failed
    logins, and the security headers of every response (ADR 0012)."""

    name = "cms.security"
    label = "security"
    verbose_name = "账号安全"
