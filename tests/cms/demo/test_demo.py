"""The demo content: fictitious, marked, loaded idempotently, and within the rules."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone


def snapshot():
    """What a second load must not change: row counts and the newest revision."""
    from django.contrib.auth.models import User
    from wagtail.models import ModelLogEntry, Page, PageLogEntry, Revision

    from cms.base.models import ChangeNote
    from cms.decisions.models import Award
    from cms.notices.models import PublicityEntry
    from cms.reporting.models import ReportingChannel

    models = [
        User, Page, Revision, PageLogEntry, ModelLogEntry, ChangeNote, Award, PublicityEntry,
        ReportingChannel,
    ]  # fmt: skip
    counts = {model.__name__: model.objects.count() for model in models}
    counts["last revision"] = Revision.objects.order_by("-pk").values_list("pk", flat=True)[0]
    return counts


@pytest.mark.django_db
def test_demo_loads_twice_without_change_and_follows_the_rules():
    from wagtail.models import Page

    from cms.base.calendar import official_calendar
    from cms.base.models import ChangeNote
    from cms.decisions.models import Award, AwardDecisionPage
    from cms.demo.loader import load_demo
    from cms.notices.models import CallForApplicationsPage, PublicityNoticePage
    from cms.programmes.models import EditionPage, ProgrammeIndexPage, ProgrammePage
    from cms.reporting.models import ReportingChannel
    from cms.revocations.models import RevocationPage
    from gongshi.rules import awards as award_rules
    from gongshi.rules import credit_code
    from gongshi.rules.programme import Category
    from gongshi.rules.publicity import period_from

    assert load_demo().created > 0
    before = snapshot()
    assert load_demo().created == 0
    assert snapshot() == before

    programmes = ProgrammePage.objects.live()
    assert sorted(p.slug for p in programmes) == ["baoshan", "hengyang", "jinshui", "yuncheng"]
    index = ProgrammeIndexPage.objects.get()
    for page in Page.objects.descendant_of(index).not_type(ProgrammePage):
        assert page.title.startswith("【示例】"), page.title

    calendar = official_calendar()
    for programme in programmes:
        rules = programme.rules()
        assert EditionPage.objects.child_of(programme).live().count() >= 2
        notices = PublicityNoticePage.objects.descendant_of(programme)
        assert notices.live().exists()
        for notice in notices:
            # Only the kinds the programme's regulation provides, with its length or none.
            rule = rules.notice_kind(notice.kind)
            assert rule is not None, (programme.slug, notice.kind)
            if rule.min_working_days is not None:
                assert notice.working_days >= rule.min_working_days
            if notice.start_date:
                period = period_from(calendar, notice.start_date, notice.working_days)
                assert notice.end_date == period.end
            assert notice.entries.exists()
            assert not notice.entries.exclude(eligibility_flag="").exists()
        for decision in AwardDecisionPage.objects.live().descendant_of(programme):
            awards = list(decision.awards.all())
            proposed = [
                award_rules.ProposedAward(
                    a.recipient, Category(a.category), a.level, a.score, a.is_repeat
                )
                for a in awards
            ]
            assert award_rules.check_decision(rules, proposed) == []
            for award in awards:
                if award.category == "organisation":
                    assert credit_code.is_valid(award.credit_code), award.credit_code
                else:
                    assert award.credit_code == ""
                assert award.valid_from == decision.date_signed
                assert award.valid_until == award_rules.valid_until(rules, decision.date_signed)

    # All three kinds of publicity somewhere; an individual winner in Yuncheng.
    assert {"accepted", "candidates", "recommended"} <= set(
        PublicityNoticePage.objects.live().values_list("kind", flat=True)
    )
    assert Award.objects.filter(
        category="individual", decision__url_path__contains="/yuncheng/"
    ).exists()

    # Jinshui's repeat winner takes no place in the quota and gets no money.
    repeat = Award.objects.get(is_repeat=True)
    assert "/jinshui/" in repeat.decision.url_path
    assert repeat.prize_money_yuan is None
    assert repeat.decision.awards.count() == 4  # quota 3, plus the repeat winner

    # Live revocations mark their awards revoked, with the ban the rules compute.
    revocations = RevocationPage.objects.live()
    assert revocations.count() >= 1
    for revocation in revocations:
        award = revocation.award
        assert award.status == "revoked"
        assert revocation.date_signed > award.decision.date_signed
        assert revocation.barred_until == RevocationPage.ban_until(
            revocation.programme, revocation.date_signed, revocation.grounds.all()
        )
        assert revocation.grounds.exists()

    # The draft never left the CMS: no live revision, no public change history.
    draft = PublicityNoticePage.objects.get(title__startswith="【示例】【草稿】")
    assert draft.kind == "recommended" and draft.start_rule == "on_publication"
    assert not draft.live and draft.live_revision is None and draft.first_published_at is None
    assert not ChangeNote.objects.filter(page=draft).exists()
    # Every other document went live through a revision, whose publication wrote its note.
    documents = [CallForApplicationsPage, PublicityNoticePage, AwardDecisionPage, RevocationPage]
    for model in documents:
        for page in model.objects.live():
            note = ChangeNote.objects.get(page=page)
            assert note.revision_id == page.live_revision_id
            assert note.published_at == page.first_published_at

    # A list of proposed winners is open for objections now (while the calendar covers
    # the period), and an accepted-applicant list has no end: 第十七条 states no length.
    today = timezone.localdate()
    if (today + timedelta(days=14)).year in calendar.covered_years:
        open_now = [n for n in PublicityNoticePage.objects.live() if n.status == "open"]
        assert [n.kind for n in open_now] == ["recommended"]
    assert all(
        n.end_date is None and n.working_days is None
        for n in PublicityNoticePage.objects.live().filter(kind="accepted")
    )

    assert ReportingChannel.objects.filter(live=True).count() == 4


@pytest.mark.django_db
def test_load_demo_command_prints_the_accounts():
    # Signing in goes through django-axes, which counts failures per request's client.
    request = RequestFactory().post("/admin/login/")
    out = StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    for username, group in [
        ("admin", "管理员"),
        ("editor", "编辑"),
        ("approver", "审核"),
        ("approver2", "审核"),
        ("supervisor", "监督组"),
    ]:
        assert username in output
        user = authenticate(request, username=username, password="gongshi-demo")
        assert user is not None, username
        assert user.groups.filter(name=group).exists()
        assert user.email == f"{username}@example.com"
        assert user.first_name and not user.last_name  # a Chinese name, written whole
    admin = authenticate(request, username="admin", password="gongshi-demo")
    assert admin.is_superuser
    assert admin.get_full_name() == "周建国"
    from cms.demo.loader import two_factor_secret
    from cms.security import twofactor

    # Approvers and the supervision group must use two-factor authentication: the demo
    # gives them its key and says how to get a code.
    assert two_factor_secret() in output and "make demo-code" in output
    for username in ("approver", "approver2", "supervisor"):
        user = authenticate(request, username=username, password="gongshi-demo")
        assert twofactor.is_required_for(user) and twofactor.is_enrolled(user)
    assert not twofactor.is_enrolled(
        authenticate(request, username="editor", password="gongshi-demo")
    )
