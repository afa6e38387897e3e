"""Pages built directly, for tests whose subject is not the editor's form."""

from datetime import date

from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import PublicityEntry, PublicityNoticePage
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


def published_decision(edition, recipient, credit_code, signed: date, user=None) -> Award:
    """A live decision under `edition` awarding the programme's main prize to one
    organisation; returns that award."""
    decision = AwardDecisionPage(
        title=f"{signed.year}表彰决定",
        slug=f"decision-{signed.year}",
        issuing_body="运城市人民政府",
        date_signed=signed,
        live=False,
    )
    decision.awards = [
        Award(
            recipient=recipient,
            credit_code=credit_code,
            category="organisation",
            level="运城市市长质量奖",
            valid_from=signed,
        )
    ]
    edition.add_child(instance=decision)
    decision.save_revision(user=user).publish()
    return Award.objects.get(decision=decision)


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
