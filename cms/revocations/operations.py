"""Revoking an award: what happens when a revocation goes live."""

from wagtail.log_actions import log


def revoke_award(revocation, user=None):
    """Mark the award revoked, in public and in both documents' audit logs.

    Nothing is deleted or unpublished: the decision stays live, and its award reads as
    revoked because a live revocation points at it (Award.status), with the reason, the
    date and a link. Called once per revocation, when it first goes live.
    """
    award = revocation.award
    data = {
        "award": award.pk,
        "recipient": award.recipient,
        "revocation": revocation.pk,
        "document_number": revocation.document_number,
        "barred_until": revocation.barred_until.isoformat() if revocation.barred_until else None,
    }
    log(instance=revocation, action="gongshi.revoke_award", user=user, data=data)
    log(instance=award.decision, action="gongshi.revoke_award", user=user, data=data)
