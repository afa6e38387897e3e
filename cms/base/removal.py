"""What may leave the public site, and how (docs/adr/0026-live-items-leave-only-through-withdrawal.md).

Something public leaves the public site only through withdrawal: an approver asks for it
with a reason that the site shows at its old address, a second approver confirms it
(cms/publishing/withdrawal_requests.py, ADR 0035), and its address answers 410 Gone
(cms/publishing/withdrawals.py). Every other way out of the admin is refused
with a sentence saying so: deleting a page that is, or has below it, anything live or
ever published; a view restriction on a page with public content at or below it; moving
public content below a section that is not public; an expiry (`expire_at`), which nothing
on this site obeys (docs/adr/0036-no-expiry-moves-keep-public.md). Copies are made as
drafts, whoever asks, and go through the workflow like any new page.
"""

from __future__ import annotations

from django.apps import apps
from wagtail.log_actions import log
from wagtail.models import DraftStateMixin, Page, PageViewRestriction, Revision

from cms.base.public import is_public, public_pages

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


NO_EXPIRY = (
    "本站不设到期下线：已公开的内容是公开记录，不会到期自动消失（公示期结束后公示仍保留，"
    f"并注明公示已结束）。{HOW_TO_WITHDRAW}"
)


class MoveRefused(Exception):
    """A move that would take public content off the site; the admin shows the sentence
    (middleware.RefusalMiddleware), whatever view or code asked for the move."""


def expiry_refusal(item) -> str | None:
    """Why `item` (a page or a channel, or a version of one) may not carry an expiry, or
    None. An expiry would unpublish it at the set time with no reason at its address and
    no second approver: nothing public on this site expires."""
    return NO_EXPIRY if getattr(item, "expire_at", None) else None


def cancel_expiries() -> list:
    """Cancel every expiry held anywhere, before Wagtail's scheduler would obey it: on a
    page or a snippet, live or not, and in a version scheduled to go live. Each is kept
    in the audit log (gongshi.expiry_cancelled). Returns the items whose expiry was
    cancelled."""
    models = [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    cancelled = []
    for model in models:
        for item in model._default_manager.filter(expire_at__isnull=False):
            # An update, not a save: the item is left exactly as it is, expiry aside.
            model._default_manager.filter(pk=item.pk).update(expire_at=None)
            log(
                item,
                "gongshi.expiry_cancelled",
                data={"expire_at": item.expire_at.isoformat(), "live": item.live},
            )
            cancelled.append(item)
    for revision in Revision.objects.filter(approved_go_live_at__isnull=False):
        if expire_at := revision.content.get("expire_at"):
            revision.content["expire_at"] = None
            revision.save(update_fields=["content"])
            item = revision.content_object
            log(item, "gongshi.expiry_cancelled", data={"expire_at": expire_at, "live": False})
            cancelled.append(item)
    return cancelled


def _opens(destination: Page) -> bool:
    """Whether a page placed below `destination` can be public there."""
    if destination.depth == 1:
        return not PageViewRestriction.objects.filter(page=destination).exists()
    return is_public(destination)


def _why_closed(destination: Page) -> str:
    above = destination.get_ancestors(inclusive=True)
    if draft := above.filter(live=False, depth__gt=1).first():
        return f"“{draft.title}”尚未发布"
    restricted = PageViewRestriction.objects.filter(page__in=above).select_related("page").first()
    return f"“{restricted.page.title}”设有访问限制" if restricted else "该位置不公开"


def move_refusal(page: Page, destination: Page) -> str | None:
    """Why `page` may not move below `destination`, or None: public content at or below it
    would leave the public site, with no reason at its address, below a section that is
    unpublished or restricted (public.py); or it would change programme, whose rules
    its notices were published under. A page's public address does not depend on where
    it sits (docs/content-format.md: documents by number, programmes by slug), so a move
    between public editions of one programme keeps every address answering."""
    public = public_pages().filter(path__startswith=page.path)
    if not (count := public.count()):
        return None
    # By name: the kernel does not import the apps built on it.
    programmes = apps.get_model("programmes", "ProgrammePage")
    before, after = programmes.containing(page), programmes.containing(destination)
    if before is not None and page.pk != before.pk and (after is None or after.pk != before.pk):
        return (
            f"{_named(public[:3], count)}已在《{before.title}》下公开发布，不能移到其他奖项之下："
            "公示的规则、决定的依据都是本奖项的，换到别的奖项就不再是同一份公开记录。"
            "放错了奖项的，请在正确的奖项下重新起草发布，原内容撤回。"
            f"{HOW_TO_WITHDRAW}"
        )
    if _opens(destination):
        return None
    return (
        f"{_named(public[:3], count)}已公开发布，不能移到“{destination.title}”之下："
        f"{_why_closed(destination)}，移过去后这些内容会从公开网站消失而不留说明。"
        "请先经审核发布该栏目（或解除其访问限制），再移动。"
        f"{HOW_TO_WITHDRAW}"
    )
