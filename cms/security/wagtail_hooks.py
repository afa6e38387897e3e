"""The 双重认证 pages in the admin, and their entry in the account settings."""

from dataclasses import dataclass

from django.urls import path, reverse
from wagtail import hooks

from . import twofactor, views


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", views.two_factor, name="gongshi_two_factor"),
        path("two-factor/verify/", views.verify, name="gongshi_two_factor_verify"),
    ]


@dataclass(frozen=True)
class AccountMenuItem:
    url: str
    label: str
    help_text: str


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    state = "已启用" if twofactor.is_enrolled(request.user) else "未启用"
    duty = "审核人和监督组成员必须启用。" if twofactor.is_required_for(request.user) else ""
    return AccountMenuItem(
        url=reverse("gongshi_two_factor"),
        label=f"双重认证（{state}）",
        help_text=f"登录时除密码外，还需输入手机身份验证器生成的验证码。{duty}",
    )
