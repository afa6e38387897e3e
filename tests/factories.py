"""Pages built directly, for tests whose subject is not the editor's form."""

from datetime import date, timedelta

from django.utils import timezone

from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import PublicityEntry, PublicityNoticePage
from cms.programmes.models import EditionPage
from cms.revocations.models import RevocationPage


def draft_notice(edition, **fields) -> PublicityNoticePage:
    """A candidate-list notice saved as a draft under `edition`, never published, with an
    explicit start date (a test that approves it sets the clock before that date)."""
    values = {
        "title": "候选名单公示",
        "slug": "candidates",
        "kind": "candidates",
        "issuing_body": "办公室",
        "start_rule": "fixed",
        "date_signed": date(2023, 9, 25),
        "start_date": date(2023, 9, 28),
        "working_days": 5,
        "end_date": date(2023, 10, 10),
        "objection_method": "书面提出",
        "live": False,  # as the admin creates every new page
        # A list with no entries cannot be published.
        "entries": [PublicityEntry(name="【示例】运城市示范精密机械有限公司", region="盐湖区")],
        **fields,
    }
    notice = PublicityNoticePage(**values)
    edition.add_child(instance=notice)
    return notice


def draft_open_notice(slug: str, title: str) -> PublicityNoticePage:
    """A draft notice in the demo's Yuncheng edition, signed yesterday, its period open
    from today for ten days: published now, it is public and open."""
    edition = EditionPage.objects.live().filter(url_path__contains="/yuncheng/").first()
    today = timezone.localdate()
    return draft_notice(
        edition,
        slug=slug,
        title=title,
        date_signed=today - timedelta(days=1),
        start_date=today,
        end_date=today + timedelta(days=9),
    )


def published_decision(edition, recipient, credit_code, signed: date, user=None) -> Award:
    """A live decision under `edition` awarding the programme's main prize to one
    organisation; returns that award."""
    (award,) = published_awards(
        edition, [{"recipient": recipient, "credit_code": credit_code}], signed, user=user
    )
    return award


def published_awards(
    edition, rows, signed: date, user=None, document_number="", slug=None
) -> list[Award]:
    """A live decision under `edition` with an award per row (Award fields; the
    programme's first level unless a row names one, an organisation unless it names a
    person); returns the awards, their validity derived on publish."""
    programme = edition.get_parent().specific
    decision = AwardDecisionPage(
        title=f"{signed.year}表彰决定{document_number}",
        slug=slug or f"decision-{signed.year}",
        issuing_body="运城市人民政府",
        date_signed=signed,
        document_number=document_number,
        live=False,
    )
    level = programme.levels.first().name
    decision.awards = [
        Award(
            **{
                "level": level,
                "category": "individual" if row.get("person") else "organisation",
                "valid_from": signed,
                **row,
            }
        )
        for row in rows
    ]
    edition.add_child(instance=decision)
    decision.save_revision(user=user).publish()
    return list(Award.objects.filter(decision=decision).order_by("sort_order"))


def published_revocation(award, signed: date) -> RevocationPage:
    """A live revocation of `award` on the programme's first ground."""
    programme = award.decision.programme
    revocation = RevocationPage(
        title="撤销",
        slug=f"revocation-{award.pk}",
        issuing_body="运城市人民政府",
        date_signed=signed,
        award=award,
        facts="伪造材料",
        legal_basis="第三十条",
        live=False,
    )
    programme.add_child(instance=revocation)
    revocation.grounds.set([programme.revocation_grounds.first()])
    revocation.save_revision().publish()
    return revocation
