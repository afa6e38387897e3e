"""What an approval looks at before something goes live, and the moment it goes live.

An approver approves the latest version of an item. Before the approval takes effect,
the item may refuse it (`publication_refusal`, e.g. a publicity period whose start has
passed) and says what approving now would do (`publication_outlook`: the period a
notice would get, a late publication under 政府信息公开条例 第二十六条). The approval's
own moment is kept for the publish it causes, so that the period the approver was shown
is the period the notice gets.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from . import removal

_approved_at: ContextVar[datetime | None] = ContextVar("approved_at", default=None)


@dataclass(frozen=True)
class Note:
    """One line of what approving now would do; a warning is shown as such."""

    text: str
    warning: bool = False


class ApprovalRefused(Exception):
    """An approval the item refuses, with the editor's way out; the admin shows the
    message on the item's edit page (middleware.RefusalMiddleware). Not a PermissionDenied:
    the admin would turn that into its generic "no permission" page."""

    def __init__(self, message: str, redirect_to: str):
        super().__init__(message)
        self.message = message
        self.redirect_to = redirect_to


@contextmanager
def approving(moment: datetime) -> Iterator[None]:
    """Within an approval: a publish it causes goes live at `moment`."""
    token = _approved_at.set(moment)
    try:
        yield
    finally:
        _approved_at.reset(token)


def approval_moment() -> datetime | None:
    """The moment of the approval under way, if the current publish comes from one."""
    return _approved_at.get()


def going_live_moment(item) -> datetime:
    """When `item` would go live if approved now, in China time: its scheduled time if it
    has one in the future, else now (or the moment of the approval under way)."""
    now = timezone.now()
    go_live_at = getattr(item, "go_live_at", None)
    if go_live_at and go_live_at > now:
        return timezone.localtime(go_live_at)
    return approval_moment() or timezone.localtime(now)


def refusal(item, moment: datetime) -> str | None:
    """Why the version `item` must not go live at `moment`, or None: it holds an expiry,
    which nothing public may (removal.NO_EXPIRY), or the item's own rule refuses it."""
    if expiry := removal.expiry_refusal(item):
        return expiry
    check = getattr(item, "publication_refusal", None)
    return check(moment) if check else None


def outlook(item, moment: datetime) -> list[Note]:
    describe = getattr(item, "publication_outlook", None)
    return describe(moment) if describe else []
