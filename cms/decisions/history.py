"""A recipient's past awards in a programme, as cms.rules sees them."""

from datetime import date

from cms.rules.awards import PastAward


def past_awards(
    programme, recipient_key: str, before: date, exclude_decision=None
) -> list[PastAward]:
    """Awards decided before `before` (and revocations signed by then): a document is
    judged by the history as it stood on its own date, never by what came later."""
    from cms.revocations.models import RevocationPage

    from .models import Award, AwardDecisionPage

    decisions = AwardDecisionPage.objects.live().descendant_of(programme)
    decisions = decisions.filter(date_signed__lt=before)
    if exclude_decision is not None and exclude_decision.pk:
        decisions = decisions.exclude(pk=exclude_decision.pk)
    matches = Award.objects.filter(decision__in=decisions).select_related("decision")
    matches = matches.filter(credit_code=recipient_key) | matches.filter(
        credit_code="", recipient=recipient_key
    )
    history = []
    for award in matches:
        revocation = (
            RevocationPage.objects.live().filter(award=award, date_signed__lte=before).first()
        )
        history.append(
            PastAward(
                recipient_key=recipient_key,
                level=award.level,
                edition_year=award.decision.edition.year,
                valid_until=award.valid_until,
                revoked_on=revocation.date_signed if revocation else None,
                revocation_grounds=revocation.ground_rules() if revocation else (),
            )
        )
    return history
