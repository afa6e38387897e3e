"""What may leave the public site, and how (docs/adr/0026-live-items-leave-only-through-withdrawal.md).

Something public leaves the public site only through withdrawal: an approver asks for it
with a reason that the site shows at its old address, a second approver confirms it
(cms/publishing/withdrawal_requests.py, ADR 0035), and its address answers 410 Gone
(cms/publishing/withdrawals.py). Every other way out of the admin is refused
with a sentence saying so: deleting a page that is, or has below it, anything live or
ever published; a view restriction on a page with public content at or below it. Copies
are made as drafts, whoever asks, and go through the workflow like any new page.
"""

from __future__ import annotations

from wagtail.models import Page

from cms.base.public import public_pages

HOW_TO_WITHDRAW = (
    "已公开的内容只能撤回：由审核人在该页面的“更多”菜单中选择“取消发布”，"
    "填写将在原网址公开显示的撤回原因，再由另一名审核人在“待确认撤回”中确认；"
    "撤回后原网址显示撤回说明，不会悄悄消失。"
)


def _named(pages, more: int) -> str:
    listed = "、".join(f"《{page.title}》" for page in pages)
    return f"{listed}等{more}个页面" if more > len(pages) else listed


def deletion_refusal(page: Page) -> str | None:
    """Why `page` (and what is below it) may not be deleted, or None.

    A live page, or one with live pages below it, would vanish from the public site with
    no reason given. A page once published and since withdrawn is part of the public
    record: its withdrawal notice and its change history name its published versions."""
    if page.live:
        return f"《{page.title}》已公开发布，不能删除。{HOW_TO_WITHDRAW}"
    below = page.get_descendants()
    live = below.filter(live=True)
    if count := live.count():
        return (
            f"《{page.title}》之下有已公开发布的页面{_named(live[:3], count)}，不能删除。"
            f"{HOW_TO_WITHDRAW}"
        )
    published = Page.objects.filter(path__startswith=page.path, first_published_at__isnull=False)
    if count := published.count():
        return (
            f"{_named(published[:3], count)}曾公开发布并已撤回，撤回说明和更新记录是公开记录的一部分，"
            "不能删除。未发布过的草稿可以删除。"
        )
    return None


def restriction_refusal(page: Page) -> str | None:
    """Why a view restriction may not be put on `page`, or None: with public content at
    or below it, the content would leave the public site at the next build with no
    reason at its address."""
    public = public_pages().filter(path__startswith=page.path)
    if count := public.count():
        return (
            f"{_named(public[:3], count)}已公开发布，不能对“{page.title}”设置访问限制："
            f"限制后这些内容会从公开网站消失而不留说明。{HOW_TO_WITHDRAW}"
        )
    return None
