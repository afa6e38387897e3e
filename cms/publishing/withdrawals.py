"""Withdrawing a published item as published in error: it leaves the public site, and its
URL says so, when and why (410 Gone). One approver asks, another confirms
(withdrawal_requests.py); only then is it unpublished and recorded here."""

from django.utils import timezone

from cms.base.models import OfficialDocumentPage

from .export import KIND_OF_MODEL
from .models import Withdrawal

REASON_FIELD = "withdrawal_reason"


def withdraw(page, reason: str, requested_by=None, confirmed_by=None) -> Withdrawal | None:
    """Record the withdrawal of a document page that was just unpublished."""
    page = page.specific
    if not isinstance(page, OfficialDocumentPage) or page.first_published_at is None:
        return None
    programme = page.programme
    return Withdrawal.objects.create(
        page=page,
        page_key=page.pk,
        uuid=str(page.translation_key),
        kind=KIND_OF_MODEL[type(page)],
        title=page.title,
        programme=programme.slug if programme else "",
        document_number=page.document_number,
        first_published_at=page.first_published_at,
        last_published_at=page.last_published_at or page.first_published_at,
        withdrawn_at=timezone.now(),
        reason=reason.strip(),
        requested_by=requested_by,
        confirmed_by=confirmed_by,
    )
