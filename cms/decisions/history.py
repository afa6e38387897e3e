"""A recipient's award history in a programme, and what it means for a new award.

The decision form and the demo loader both judge awards here, so that what the server
derives (repeat status, validity) and refuses (bans) is decided in one place.
"""

from datetime import date

from django.apps import apps

from gongshi.rules import awards as award_rules
from gongshi.rules.awards import PastAward, ProposedAward
from gongshi.rules.programme import Category, ProgrammeRules


def _models():
    """The decision models, by name: their form (models.py's base_form_class) uses this
    module, so it cannot import them."""
    return apps.get_model("decisions", "Award"), apps.get_model("decisions", "AwardDecisionPage")


def past_awards(programme, recipient, before: date, exclude_decision=None) -> list[PastAward]:
    """The awards of `recipient` (a row naming one: an award or a publicity entry)
    decided before `before` (and revocations signed by then): a document is judged by the
    history as it stood on its own date, never by what came later. The recipient is the
    organisation of the credit code, or the person chosen: never whoever bears the name."""
    Award, AwardDecisionPage = _models()
    # Revocations point at awards (Award.revocations); their app imports this one.
    revocation_pages = Award._meta.get_field("revocations").related_model

    recipient_key = recipient.recipient_key()
    decisions = AwardDecisionPage.objects.live().descendant_of(programme)
    decisions = decisions.filter(date_signed__lt=before)
    if exclude_decision is not None and exclude_decision.pk:
        decisions = decisions.exclude(pk=exclude_decision.pk)
    matches = Award.objects.filter(decision__in=decisions, category=recipient.category)
    if recipient.category == Category.INDIVIDUAL:
        matches = matches.filter(person_id=recipient.person_id)
    else:
        matches = matches.filter(credit_code=recipient.credit_code)
    matches = list(matches.select_related("decision"))
    revocations = {
        revocation.award_id: revocation
        for revocation in revocation_pages.objects.live()
        .filter(award__in=matches, date_signed__lte=before)
        .prefetch_related("grounds")
    }
    history = []
    for award in matches:
        revocation = revocations.get(award.pk)
        history.append(
            PastAward(
                recipient_key=recipient_key,
                level=award.level,
                edition_year=award.decision.edition.year,
                valid_until=award.valid_until,
                revoked_on=revocation.date_signed if revocation else None,
                revocation_grounds=tuple(
                    ground.as_rule(programme.regulation_reference)
                    for ground in revocation.grounds.all()
                )
                if revocation
                else (),
            )
        )
    return history


def assess_award(
    programme, rules: ProgrammeRules, award, signed: date, exclude_decision=None
) -> str | None:
    """Why `award` cannot be conferred on `signed`, or None after deriving its repeat
    status and validity from the programme's rules."""
    history = past_awards(programme, award, before=signed, exclude_decision=exclude_decision)
    if ban := award_rules.active_ban(rules, history, signed):
        return ban
    award.is_repeat = award_rules.is_repeat_winner(rules, award.level, history)
    award.valid_from = signed
    award.valid_until = award_rules.valid_until(rules, signed)
    return None


def edition_awards(edition, exclude_decision=None) -> list[ProposedAward]:
    """The awards of the edition's live decisions but `exclude_decision`: with the
    decision being edited, they make up the edition's quota."""
    Award, AwardDecisionPage = _models()

    decisions = AwardDecisionPage.objects.live().child_of(edition)
    if exclude_decision is not None and exclude_decision.pk:
        decisions = decisions.exclude(pk=exclude_decision.pk)
    return [
        as_proposed(award, row)
        for row, award in enumerate(Award.objects.filter(decision__in=decisions), start=1)
    ]


def as_proposed(award, row: int) -> ProposedAward:
    """An assessed award as the decision-wide checks (quota, score) see it."""
    return ProposedAward(
        recipient=award.recipient,
        category=Category(award.category),
        level=award.level,
        score=award.score,
        is_repeat=award.is_repeat,
        row=row,
        bonus=award.bonus,
    )
