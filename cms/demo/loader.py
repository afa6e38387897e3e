"""Loading the fictitious demo content (data/*.toml, read by data.py) for `manage.py load_demo`.

Creates demo accounts, the programme list with the four programmes, a few editions of
each with their calls, publicity notices and decisions, two revocations and one
reporting channel per programme. Every page title starts with 【示例】 and every name and
文号 is invented. Values the admin derives (publicity end dates, validity, repeat
winners, bans) are computed with the same rule functions its forms use, and rows the
forms would refuse or flag are refused here, so the demo passes the rules editors face.

Everything is looked up before it is created (pages by slug, accounts by username,
channels by programme) and left alone when it exists: loading twice changes nothing.
Pages are published as the workflow's last approval publishes them: a revision saved by
its author, published by an approver, so publish times and change notes are the server's.
"""

import json
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page

from cms.base.calendar import official_calendar
from cms.base.models import ChangeNote, HomePage
from cms.decisions.history import as_proposed, assess_award
from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import CallForApplicationsPage, PublicityEntry, PublicityNoticePage
from cms.programmes.loading import load_programme
from cms.programmes.models import EditionPage, ProgrammeIndexPage, ProgrammePage
from cms.recipients.models import Person
from cms.reporting.models import ReportingChannel
from cms.revocations.models import RevocationPage
from cms.security import twofactor
from gongshi.formatting import chinese_date
from gongshi.rules import RuleViolation, publicity
from gongshi.rules import awards as award_rules
from gongshi.rules import credit_code as credit_codes
from gongshi.rules.workdays import CalendarYearMissing

from .data import (
    ACCEPTED,
    ACCOUNTS,
    CANDIDATES,
    CHANNELS,
    DATA_DIR,
    DEFAULT_PUBLICITY_DAYS,
    DEMO_NOTE,
    DEMO_SITE_IDENTITY,
    DRAFT_MARK,
    EDITIONS,
    FACTS,
    MARK,
    ON_GOING_LIVE,
    OPEN_NOW,
    OPEN_NOW_WORKING_DAYS_AGO,
    ORDINALS,
    PASSWORD,
    PRIZES,
    RECIPIENTS,
    RECOMMENDED,
    REVOCATIONS,
    TWO_FACTOR_KEY,
    DemoDataError,
    Edition,
    Revocation,
)

# --- Loading -----------------------------------------------------------------------------


@dataclass
class DemoResult:
    created: int
    counts: dict[str, int]
    accounts: list[tuple[str, str, str]]  # username, full name, roles


def load_demo(log: Callable[[str], None] | None = None) -> DemoResult:
    """Load the demo content; what already exists is kept as it is."""
    loader = DemoLoader(log or (lambda message: None))
    with transaction.atomic():
        loader.run()
    return DemoResult(created=loader.created, counts=counts(), accounts=accounts())


def credit_code(region_code: str, serial: int) -> str:
    """A fictitious but well-formed 统一社会信用代码 (GB 32100): 91 + region + MA + serial."""
    first17 = f"91{region_code}MA{serial:07d}"
    return first17 + credit_codes.check_character(first17)


class DemoLoader:
    def __init__(self, log: Callable[[str], None]):
        self.log = log
        self.created = 0
        self.today = timezone.localdate()
        self.calendar = official_calendar()
        self.users = {}

    def run(self):
        self.ensure_accounts()
        # Before anything is published: the 索引号 of the demo's items begin with its code.
        self.ensure_site_identity()
        self.ensure_programmes()
        for slug, editions in EDITIONS.items():
            programme = ProgrammePage.objects.get(slug=slug)
            for plan in editions:
                self.ensure_edition(programme, plan)
        for plan in REVOCATIONS:
            self.ensure_revocation(plan)
        for slug in CHANNELS:
            self.ensure_channel(ProgrammePage.objects.get(slug=slug))

    # Accounts and programmes

    def ensure_accounts(self):
        User = get_user_model()
        for username, last_name, first_name, group_name, superuser in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                create = User.objects.create_superuser if superuser else User.objects.create_user
                user = create(
                    username,
                    email=f"{username}@example.com",
                    password=PASSWORD,
                    # Django shows first_name + " " + last_name ("志明 陈"); a Chinese name
                    # is written whole, family name first, so it all goes in first_name.
                    first_name=f"{last_name}{first_name}",
                    last_name="",
                )
                self.created += 1
                self.log(f"created account {username}")
            group = Group.objects.get(name=group_name)
            if not user.groups.filter(pk=group.pk).exists():  # add() would bump the sequence
                user.groups.add(group)
            if twofactor.is_required_for(user) and not twofactor.is_enrolled(user):
                TOTPDevice.objects.create(
                    user=user, name=twofactor.APP_DEVICE_NAME, key=TWO_FACTOR_KEY, confirmed=True
                )
                self.log(f"gave account {username} the demo authenticator key")
            self.users[username] = user

    def ensure_site_identity(self):
        """网站信息 a deployment sets in the admin; the demo's are fictitious, and say so."""
        from cms.govsite.models import SiteIdentity

        site = HomePage.objects.get().get_site()
        identity = SiteIdentity.objects.filter(site=site).first()
        if identity is not None:
            return
        SiteIdentity.objects.create(site=site, **DEMO_SITE_IDENTITY)
        self.log("set the demo's 网站信息")

    def ensure_programmes(self):
        if not ProgrammeIndexPage.objects.exists():  # there is one, whatever its slug
            self.ensure_page(
                HomePage.objects.get(),
                "programmes",
                lambda: ProgrammeIndexPage(
                    title="评选项目", introduction="本平台公开的质量奖评选项目及其管理办法。"
                ),
                author="admin",
                publisher="admin",
            )
        for path in sorted(DATA_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if not ProgrammePage.objects.filter(slug=data["slug"]).exists():
                load_programme(data, user=self.users["admin"])
                self.created += 1
                self.log(f"loaded programme {data['slug']}")

    # Pages

    def ensure_page(
        self, parent, slug, build, *, author="editor", publisher="approver", draft=False
    ):
        """The child of parent with this slug, built, saved and published if missing."""
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        page = build()
        page.slug = slug
        page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision(user=self.users[author], log_action="wagtail.create")
        if not draft:
            revision.publish(user=self.users[publisher])
        self.created += 1
        self.log(f"{'drafted' if draft else 'published'} {page.url_path}: {page.title}")
        return type(page).objects.get(pk=page.pk)

    def ensure_edition(self, programme, plan: Edition):
        edition = self.ensure_page(
            programme,
            str(plan.year),
            lambda: EditionPage(
                title=f"{MARK}{plan.year}年度{programme.title}（第{ORDINALS[plan.number]}届）",
                number=plan.number,
                year=plan.year,
                introduction=f"{plan.year}年度{programme.title}评选的申报通知、公示和表彰决定。"
                "本届内容为演示用示例，所列单位、个人和文号均为虚构。",
            ),
        )
        self.ensure_page(edition, "call", lambda: self.call_page(programme, plan))
        for kind in (ACCEPTED, CANDIDATES, RECOMMENDED):
            if kind in plan.publicity:
                self.ensure_page(
                    edition,
                    kind.value,
                    lambda kind=kind: self.publicity_page(programme, plan, kind),
                    draft=kind in plan.drafts,
                )
        if plan.decided:
            self.ensure_page(edition, "decision", lambda: self.decision_page(programme, plan))

    def call_page(self, programme, plan: Edition):
        facts = FACTS[programme.slug]
        signed, deadline = (date.fromisoformat(d) for d in plan.call)
        who = "组织和个人" if programme.awards_individuals else "单位"
        return CallForApplicationsPage(
            title=f"{MARK}关于开展{plan.year}年度{programme.title}申报工作的通知",
            document_number=f"{facts.abbr}质示例〔{signed.year}〕1号",
            issuing_body=programme.office,
            date_signed=signed,
            application_deadline=deadline,
            summary=f"{plan.year}年度{programme.title}开始申报，符合条件的{who}可自愿申报，"
            f"截止日期为{chinese_date(deadline)}。",
            how_to_apply=f"填写申报表，附自评报告和证明材料，于{chinese_date(deadline)}前报送"
            f"{programme.office}（{facts.address}）；电子版发送至{facts.email}。",
            body=f"<p>根据《{programme.regulation_title}》，现组织开展{plan.year}年度"
            f"{programme.title}申报工作。申报条件和评审程序以管理办法为准，"
            f"逾期不再受理。</p>{DEMO_NOTE}",
        )

    def publicity_page(self, programme, plan: Edition, kind):
        facts = FACTS[programme.slug]
        rules = programme.rules()
        rule = rules.notice_kind(kind)
        if rule is None:
            raise DemoDataError(f"{programme.slug} has no {kind} publicity in its regulation")
        days = rule.min_working_days or (None if kind == ACCEPTED else DEFAULT_PUBLICITY_DAYS)
        publicity.check_length(rule, days)
        if plan.publicity[kind] == ON_GOING_LIVE:
            period = None
        elif plan.publicity[kind] == OPEN_NOW:
            period = publicity.period_from(self.calendar, self.open_now_start(days), days)
        else:
            start = date.fromisoformat(plan.publicity[kind])
            period = publicity.period_from(self.calendar, start, days)
        if kind == ACCEPTED:
            rows = [(key, None, None) for key in plan.accepted]
        elif kind == CANDIDATES:
            rows = [(key, score, None) for key, score in plan.candidates]
        else:
            rows = [(key, score, rank) for key, rank, score in plan.winners]
        # Applications close before any list is shown; every list closes before the decision.
        if period and (
            period.start <= date.fromisoformat(plan.call[1])
            or (plan.decided and (period.end or period.start) >= date.fromisoformat(plan.decided))
        ):
            raise DemoDataError(f"{programme.slug} {plan.year}: {kind} publicity out of order")
        summaries = {
            ACCEPTED: f"经形式审查，以下{len(rows)}个申报者符合申报条件，予以受理，现将名单公示。",
            CANDIDATES: f"经材料评审和现场评审，确定{len(rows)}个候选对象，现向社会公示，接受监督。",
            RECOMMENDED: f"经评审委员会审议，提出{plan.year}年度{programme.title}获奖建议名单，现予公示。",
        }
        draft = DRAFT_MARK if kind in plan.drafts else ""
        start = period.start if period else self.today
        if period is None:
            timing = f"公示期自发布之日起{days}个工作日，任何单位和个人对公示名单有异议的，可在公示期内提出。"
        elif period.end is None:
            timing = f"本名单自{chinese_date(period.start)}起公布，管理办法未规定公示期限。"
        else:
            timing = (
                f"公示期为{chinese_date(period.start)}至{chinese_date(period.end)}，共{days}个工作日。"
                "任何单位和个人对公示名单有异议的，可在公示期内提出。"
            )
        return PublicityNoticePage(
            title=f"{MARK}{draft}{plan.year}年度{programme.title}{rule.name}",
            kind=kind,
            issuing_body=programme.office,
            date_signed=min(start, self.today),
            start_rule="on_publication" if period is None else "fixed",
            start_date=period.start if period else None,
            working_days=days,
            end_date=period.end if period else None,
            summary=summaries[kind],
            body=f"<p>{timing}</p>{DEMO_NOTE}",
            objection_method=f"请在公示期内以书面形式向{programme.office}提出异议，个人须署真实姓名，"
            f"单位须加盖公章，并附证明材料。电话：{facts.phone}；电子邮箱：{facts.email}；"
            f"通信地址：{facts.address}（邮编{facts.postcode}）。",
            entries=[self.entry(programme, rules, start, *row) for row in rows],
        )

    def entry(self, programme, rules, start, key, score, rank):
        """One publicity row; rows the form would flag (barred, below the minimum) are refused."""
        name, region, code, category = self.recipient(programme, key)
        entry = PublicityEntry(
            name=name,
            credit_code=code,
            category=category,
            person=self.person(programme, key, name) if category == "individual" else None,
            level=self.level_name(programme, rank, category) if rank else "",
            region=region,
            score=score,
        )
        if flag := entry.check_eligibility(programme, rules, start):
            raise DemoDataError(f"{name} cannot be listed on {start}: {flag}")
        entry.full_clean(exclude=["notice"])
        return entry

    def decision_page(self, programme, plan: Edition):
        """The decision, checked as AwardDecisionForm checks it, with validity derived."""
        facts = FACTS[programme.slug]
        rules = programme.rules()
        signed = date.fromisoformat(plan.decided)
        awards, proposed, repeats = [], [], []
        for row, (key, rank, score) in enumerate(plan.winners, start=1):
            name, region, code, category = self.recipient(programme, key)
            award = Award(
                recipient=name,
                credit_code=code,
                category=category,
                person=self.person(programme, key, name) if category == "individual" else None,
                level=self.level_name(programme, rank, category),
                region=region,
                score=score,
            )
            if ban := assess_award(programme, rules, award, signed):
                raise DemoDataError(f"{name} cannot win on {signed}: {ban}")
            # Only organisations get money; a repeat winner may get none (repeat_winner_article).
            no_money = award.is_repeat and not rules.repeat_winner_gets_prize_money
            award.prize = PRIZES[programme.slug][("repeat" if no_money else rank, category)]
            if not no_money and category == "organisation":
                award.prize_money_yuan = programme.prize_money_yuan
            award.full_clean(exclude=["decision"])
            awards.append(award)
            proposed.append(as_proposed(award, row))
            if award.is_repeat:
                repeats.append(name)
        if problems := award_rules.check_decision(rules, proposed):
            raise DemoDataError("；".join(problem.message for problem in problems))

        organisations = sum(a.category == "organisation" for a in awards)
        individuals = len(awards) - organisations
        who = "和".join(
            part
            for part in (
                f"{organisations}个组织" if organisations else "",
                f"{individuals}名个人" if individuals else "",
            )
            if part
        )
        levels = "或".join(dict.fromkeys(a.level for a in awards))
        summary = f"经申报、评审和公示，{facts.government}决定授予{who}{plan.year}年度{levels}。"
        body = f"<p>{summary}希望获奖者珍惜荣誉，宣传时注明获奖年度，持续提升质量水平。</p>"
        if repeats:
            terms = [
                term
                for term, applies in (
                    ("不占本届名额", not rules.repeat_winner_takes_quota),
                    ("不再发放奖金", not rules.repeat_winner_gets_prize_money),
                )
                if applies
            ]
            body += (
                f"<p>{'、'.join(repeats)}为再次获奖，依照{rules.cite(rules.repeat_winner_article)}，"
                f"{'、'.join(terms)}。</p>"
            )
        return AwardDecisionPage(
            title=f"{MARK}{facts.government}关于表彰{plan.year}年度{programme.title}获奖者的决定",
            document_number=f"{facts.abbr}政示例〔{signed.year}〕1号",
            issuing_body=facts.government,
            date_signed=signed,
            summary=summary,
            body=body + DEMO_NOTE,
            awards=awards,
        )

    def open_now_start(self, days) -> date:
        """A working day a few working days ago, so that the period is open today.

        If the period would reach a year the calendar does not cover yet, the start moves
        earlier until it does not (the notice is then no longer open).
        """
        day, counted = self.today, 0
        while True:
            day -= timedelta(days=1)
            try:
                if not self.calendar.is_working_day(day):
                    continue
                counted += 1
                if counted >= OPEN_NOW_WORKING_DAYS_AGO:
                    publicity.period_from(self.calendar, day, days)
                    return day
            except CalendarYearMissing:
                continue

    # Revocations

    def ensure_revocation(self, plan: Revocation):
        programme = ProgrammePage.objects.get(slug=plan.programme)
        self.ensure_page(
            programme,
            f"revocation-{plan.year}-{plan.recipient.lower()}",
            lambda: self.revocation_page(programme, plan),
            # Revocations need two approvals; the second approver's approval publishes.
            publisher="approver2",
        )

    def revocation_page(self, programme, plan: Revocation):
        """The revocation, checked as RevocationForm checks it, with the ban derived."""
        facts = FACTS[programme.slug]
        edition = EditionPage.objects.child_of(programme).get(year=plan.year)
        decision = AwardDecisionPage.objects.live().child_of(edition).get()
        name = RECIPIENTS[programme.slug][plan.recipient][0]
        award = decision.awards.get(recipient=name)
        if RevocationPage.objects.filter(award=award).exists():
            raise DemoDataError(f"{name}: award already revoked")
        grounds = [programme.revocation_grounds.get(article=article) for article in plan.grounds]
        signed = date.fromisoformat(plan.signed)
        barred_until = RevocationPage.ban_until(programme, signed, grounds)
        number = f"（{programme.regulation_number}）" if programme.regulation_number else ""
        legal_basis = f"《{programme.regulation_title}》{number}{'、'.join(plan.grounds)}"
        reasons = "；".join(ground.text for ground in grounds)
        consequences = f"收回{plan.recovered}" + ("，追回奖金" if plan.money_clawed_back else "")
        body = (
            f"<p>经调查核实，{name}存在“{reasons}”的情形。依照{legal_basis}，"
            f"{facts.government}决定撤销其{award.citation}，{consequences}。</p>"
        )
        if barred_until:
            body += f"<p>该单位至{chinese_date(barred_until)}（含当日）不得申报本奖项。</p>"
        page = RevocationPage(
            title=f"{MARK}关于撤销{name.removeprefix(MARK)}{award.citation}的决定",
            document_number=f"{facts.abbr}政示例〔{signed.year}〕5号",
            issuing_body=facts.government,
            date_signed=signed,
            summary=f"因{reasons}，撤销{name}的{award.citation}。",
            body=body + DEMO_NOTE,
            award=award,
            facts=plan.facts,
            legal_basis=legal_basis,
            certificate_recovered=True,
            money_clawed_back=plan.money_clawed_back,
            money_clawed_back_yuan=award.prize_money_yuan if plan.money_clawed_back else None,
            barred_until=barred_until,
        )
        page.grounds = grounds
        return page

    # Reporting channels

    def ensure_channel(self, programme):
        if ReportingChannel.objects.filter(programme=programme).exists():
            return
        facts, text = FACTS[programme.slug], CHANNELS[programme.slug]
        channel = ReportingChannel(
            programme=programme,
            live=False,
            name=f"{MARK}{programme.supervisor or programme.office}",
            phone=facts.phone,
            email=facts.email,
            postal_address=facts.address,
            postcode=facts.postcode,
            office=text.office,
            office_hours=text.office_hours,
            report_contents="被举报单位或个人的名称，涉及的奖项和年度，具体问题和事实依据，"
            "并附证明材料；实名举报请留下姓名和联系方式。",
            anonymous_accepted=text.anonymous_accepted,
            real_name_encouraged=True,
            deadline_rule="对公示名单的异议须在公示期截止前提出，邮寄的以邮戳日期为准，"
            "电子邮件以发送时间为准。",
            procedure=f"收到举报后登记，{text.acknowledge_days}个工作日内告知是否受理；受理后调查核实，"
            f"{text.conclude_days}个工作日内办结，并将结果告知实名举报人。查实的问题依照管理办法处理并向社会公布。",
            acknowledge_within_working_days=text.acknowledge_days,
            conclude_within_working_days=text.conclude_days,
            confidentiality_promise=text.confidentiality,
            legal_basis=str(programme.rules().cite(programme.complaints_article or None)),
        )
        channel.full_clean()
        channel.save()
        revision = channel.save_revision(user=self.users["supervisor"], log_action="wagtail.create")
        revision.publish(user=self.users["approver"])
        self.created += 1
        self.log(f"published reporting channel: {channel.name}")

    # Lookups

    def recipient(self, programme, key) -> tuple[str, str, str, str]:
        """(name, region, credit code, category), checked as the forms check a row."""
        name, region, serial = RECIPIENTS[programme.slug][key]
        if serial is None:
            code, category = "", "individual"
            allowed = programme.awards_individuals
        else:
            code = credit_code(FACTS[programme.slug].region_code, serial)
            category = "organisation"
            allowed = programme.awards_organisations
        if not allowed:
            raise DemoDataError(f"{programme.title} does not award {category}s: {name}")
        if code:
            try:
                code = credit_codes.validate(code)
            except RuleViolation as refusal:
                raise DemoDataError(f"{name}: {refusal.message}") from refusal
        return name, region, code, category

    @staticmethod
    def person(programme, key, name) -> Person:
        """The demo's person of `key`: one record however many lists name them."""
        person, _ = Person.objects.get_or_create(
            name=name, distinction=f"演示数据：{programme.title}（{key}）"
        )
        return person

    @staticmethod
    def level_name(programme, rank, category) -> str:
        return programme.levels.get(rank=rank, category=category).name


def counts() -> dict[str, int]:
    notices = PublicityNoticePage.objects
    return {
        "programmes": ProgrammePage.objects.live().count(),
        "editions": EditionPage.objects.live().count(),
        "calls for applications": CallForApplicationsPage.objects.live().count(),
        "publicity notices": notices.live().count(),
        "publicity notices open now": sum(n.status == "open" for n in notices.live()),
        "draft publicity notices": notices.not_live().count(),
        "award decisions": AwardDecisionPage.objects.live().count(),
        "awards": Award.objects.filter(decision__live=True).count(),
        "revocations": RevocationPage.objects.live().count(),
        "reporting channels": ReportingChannel.objects.filter(live=True).count(),
        "change notes": ChangeNote.objects.count(),
        "pages": Page.objects.count(),
    }


def accounts() -> list[tuple[str, str, str]]:
    User = get_user_model()
    rows = []
    for username, *_ in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            roles = "、".join(user.groups.values_list("name", flat=True))
            if user.is_superuser:
                roles = f"超级用户、{roles}" if roles else "超级用户"
            rows.append((username, f"{user.last_name}{user.first_name}", roles))
    return rows


def two_factor_secret() -> str:
    """The demo authenticator key as an authenticator app takes it (base32)."""
    return b32encode(unhexlify(TWO_FACTOR_KEY)).decode()


def two_factor_code() -> str:
    """The code an authenticator holding the demo key shows now."""
    return f"{TOTP(unhexlify(TWO_FACTOR_KEY)).token():06d}"
