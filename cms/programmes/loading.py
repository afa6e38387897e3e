"""Programme data files → ProgrammePage (see data/SCHEMA.md)."""

from datetime import date

from django.core.exceptions import ValidationError

from .models import (
    AwardLevel,
    ProgrammeIndexPage,
    ProgrammePage,
    PublicityKind,
    RevocationGround,
)

SIMPLE_FIELDS = [
    "level",
    "region",
    "organiser",
    "office",
    "supervisor",
    "organisation_article",
    "cycle_years",
    "cycle_article",
    "awards_organisations",
    "awards_individuals",
    "recipients_article",
    "quota_article",
    "vacancy_allowed",
    "vacancy_article",
    "scoring_standard",
    "max_score",
    "scoring_article",
    "scoring_notes",
    "min_score",
    "min_score_article",
    "validity_years",
    "validity_article",
    "publicity_notes",
    "revocation_ban_years",
    "revocation_ban_editions",
    "revocation_ban_article",
    "reapply_ban_editions",
    "reapply_barred_during_validity",
    "reapply_article",
    "repeat_winner_gets_prize_money",
    "repeat_winner_takes_quota",
    "repeat_winner_article",
    "prize_description",
    "prize_money_yuan",
    "prize_article",
    "revocation_consequences",
    "revocation_consequences_article",
    "complaints",
    "complaints_article",
    "title_use",
    "title_use_article",
    "summary",
]
REGULATION_FIELDS = {
    "title": "regulation_title",
    "document_number": "regulation_number",
    "status": "regulation_status",
    "url": "regulation_url",
    "replaces": "regulation_replaces",
    "dates_article": "regulation_dates_article",
}
REGULATION_DATES = {
    "issued_on": "regulation_issued_on",
    "effective_from": "regulation_effective_from",
    "expires_on": "regulation_expires_on",
}
# Text fields store "" where the data file says null (the regulation is silent).
TEXT_FIELDS = {
    field.name
    for field in ProgrammePage._meta.get_fields()
    if field.get_internal_type() in {"CharField", "TextField", "URLField"}
}


class ProgrammeDataError(ValueError):
    pass


def load_programme(data: dict, user=None) -> tuple[ProgrammePage, bool]:
    """Create or update the programme with data's slug, published at once.

    Programme data is reference data shipped with the product, loaded by an administrator
    on the command line; it does not pass through the editorial workflow.
    """
    missing = [
        k
        for k in ["slug", "title", "regulation", "levels", "publicity_kinds", *SIMPLE_FIELDS]
        if k not in data
    ]
    if missing:
        raise ProgrammeDataError(f"missing keys: {', '.join(missing)}")
    index = ProgrammeIndexPage.objects.first()
    if index is None:
        raise ProgrammeDataError("no programme index page: run migrate and load_demo first")
    page = ProgrammePage.objects.filter(slug=data["slug"]).first()
    created = page is None
    if created:
        page = ProgrammePage(slug=data["slug"])
    page.title = data["title"]
    for name in SIMPLE_FIELDS:
        value = data[name]
        if value is None and name in TEXT_FIELDS:
            value = ""
        setattr(page, name, value)
    # Optional: a regulation without a bonus says nothing of it.
    page.bonus_steps = "、".join(str(step) for step in data.get("bonus_steps") or [])
    page.bonus_article = data.get("bonus_article") or ""
    regulation = data["regulation"]
    for key, name in REGULATION_FIELDS.items():
        setattr(page, name, regulation.get(key) or "")
    for key, name in REGULATION_DATES.items():
        value = regulation.get(key)
        setattr(page, name, date.fromisoformat(value) if value else None)
    # Rows are updated in place, matched on what identifies them, so that revocations
    # citing a ground keep pointing at it when the data file is loaded again.
    levels = {(lv.name, lv.category): lv for lv in page.levels.all()} if not created else {}
    page.levels = [
        _update(
            levels.get((level["name"], level["category"])) or AwardLevel(),
            name=level["name"],
            rank=level["rank"],
            category=level["category"],
            quota=level["quota"],
            bars_reapplication=level["bars_reapplication"],
        )
        for level in data["levels"]
    ]
    kinds = {kind.kind: kind for kind in page.publicity_kinds.all()} if not created else {}
    page.publicity_kinds = [
        _update(
            kinds.get(kind["kind"]) or PublicityKind(),
            kind=kind["kind"],
            name=kind["name"],
            article=kind["article"],
            min_working_days=kind["min_working_days"],
            exact=kind["exact"],
            max_working_days=kind["max_working_days"],
        )
        for kind in data["publicity_kinds"]
    ]
    for row in page.publicity_kinds.all():
        try:
            row.full_clean(exclude=["programme"])
        except ValidationError as error:
            raise ProgrammeDataError(
                f"{data['slug']}: publicity_kinds {row.kind}: {error.message_dict}"
            ) from error
    grounds = {g.text: g for g in page.revocation_grounds.all()} if not created else {}
    page.revocation_grounds = [
        _update(
            grounds.get(ground["text"]) or RevocationGround(),
            text=ground["text"],
            article=ground["article"] or "",
            bars_reapplication=ground["bars_reapplication"],
        )
        for ground in data.get("revocation_grounds", [])
    ]
    try:
        if created:
            index.add_child(instance=page)
        else:
            page.full_clean()
            page.save()
    except ValidationError as error:
        raise ProgrammeDataError(f"{data['slug']}: {error.message_dict}") from error
    page.save_revision(user=user, log_action=True).publish(user=user)
    return page, created


def _update(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    return row
