"""Fictitious demo content for `manage.py load_demo`.

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
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page

from cms.base.calendar import official_calendar
from cms.base.models import ChangeNote, HomePage
from cms.base.roles import ADMINISTRATORS, APPROVERS, EDITORS, SUPERVISORS
from cms.decisions.history import as_proposed, assess_award
from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import CallForApplicationsPage, PublicityEntry, PublicityNoticePage
from cms.programmes.loading import load_programme
from cms.programmes.models import EditionPage, ProgrammeIndexPage, ProgrammePage
from cms.recipients.models import Person
from cms.reporting.models import ReportingChannel
from cms.revocations.models import RevocationPage
from cms.rules import RuleViolation, publicity
from cms.rules import awards as award_rules
from cms.rules import credit_code as credit_codes
from cms.rules.workdays import CalendarYearMissing
from cms.security import twofactor

DATA_DIR = Path(__file__).resolve().parents[1] / "programmes" / "data"

MARK = "【示例】"
DRAFT_MARK = "【草稿】"
DEMO_NOTE = "<p>（本页为演示用示例，所列单位、个人和文号均为虚构。）</p>"
PASSWORD = "gongshi-demo"
# The authenticator key (hex) of the demo accounts that must use two-factor authentication
# (approvers, supervision group); `make demo` prints it in base32 for an authenticator app,
# and `manage.py demo_code` prints its current code. Never a real account's key.
TWO_FACTOR_KEY = b"gongshi-demo-2fa-key".hex()
OPEN_NOW = "open now"  # a publicity start computed so that the period is open today
OPEN_NOW_WORKING_DAYS_AGO = 3
ON_GOING_LIVE = "on going live"  # 自发布之日起: the server fixes the start when approved
# Where the regulation states no length, the demo's offices choose one for their lists
# of winners; an accepted-applicant list (运政发〔2023〕14号 第十七条) is published without.
DEFAULT_PUBLICITY_DAYS = 7

ACCEPTED = PublicityNoticePage.Kind.ACCEPTED_APPLICANTS
CANDIDATES = PublicityNoticePage.Kind.CANDIDATES
RECOMMENDED = PublicityNoticePage.Kind.RECOMMENDED_WINNERS
ORDINALS = "零一二三四五六七八九十"


class DemoDataError(ValueError):
    """The demo data breaks a rule: fix the tables below, not the rule."""


# --- Accounts --------------------------------------------------------------------------

ACCOUNTS = [
    # username, last name, first name, group, superuser
    ("admin", "周", "建国", ADMINISTRATORS, True),
    ("editor", "林", "晓燕", EDITORS, False),
    ("approver", "陈", "志明", APPROVERS, False),
    ("approver2", "黄", "丽华", APPROVERS, False),
    ("supervisor", "吴", "国平", SUPERVISORS, False),
]


# --- Programmes: what the demo needs beyond the data files ------------------------------


@dataclass(frozen=True)
class Facts:
    abbr: str  # first character of the fictitious 文号
    region_code: str  # administrative division code inside the fictitious credit codes
    government: str  # who signs decisions and revocations
    phone: str
    email: str
    address: str
    postcode: str


FACTS = {
    "yuncheng": Facts(
        abbr="运",
        region_code="140800",
        government="运城市人民政府",
        phone="0359-0000000",
        email="yuncheng-jubao@example.com",
        address="运城市盐湖区示例路1号",
        postcode="044000",
    ),
    "hengyang": Facts(
        abbr="衡",
        region_code="430400",
        government="衡阳市人民政府",
        phone="0734-0000000",
        email="hengyang-jubao@example.org",
        address="衡阳市蒸湘区示例大道2号",
        postcode="421000",
    ),
    "baoshan": Facts(
        abbr="保",
        region_code="530500",
        government="保山市人民政府",
        phone="0875-0000000",
        email="baoshan-zhiliang@example.com",
        address="保山市隆阳区示例街3号",
        postcode="678000",
    ),
    "jinshui": Facts(
        abbr="金",
        region_code="410105",
        government="郑州市金水区人民政府",
        phone="0371-00000000",
        email="jinshui-jubao@example.org",
        address="郑州市金水区示例路4号",
        postcode="450000",
    ),
}

# What a winner receives, by (rank, category); "repeat" where a repeat winner gets no money.
PRIZES = {
    "yuncheng": {
        ("award", "organisation"): "证书、奖牌和一次性奖金",
        ("award", "individual"): "证书和奖章",
        ("nomination", "organisation"): "证书和奖牌",
        ("nomination", "individual"): "证书和奖章",
    },
    "hengyang": {
        ("award", "organisation"): "奖牌、证书和奖金",
        ("repeat", "organisation"): "奖牌和证书（再次获奖，不再发放奖金）",
    },
    "baoshan": {("award", "organisation"): "荣誉称号、证书和奖杯"},
    "jinshui": {
        ("award", "organisation"): "证书、奖杯和一次性奖金",
        ("repeat", "organisation"): "证书和奖杯（再次获奖，不再发放奖金）",
    },
}

# Recipients by programme: key -> (name, region, serial of the credit code or None for a
# person). Names are invented; 堃 and 𠀀 (outside the Basic Multilingual Plane) are there
# to exercise Unicode end to end.
RECIPIENTS = {
    "yuncheng": {
        "Y1": ("【示例】运城市示范精密机械有限公司", "运城市盐湖区", 1),
        "Y2": ("【示例】运城市样例果业集团有限公司", "运城市临猗县", 2),
        "Y3": ("【示例】运城市模拟盐化股份有限公司", "运城市盐湖区", 3),
        "Y4": ("【示例】运城市堃源示范化工有限公司", "运城市河津市", 4),
        "Y5": ("【示例】运城市演示铝业有限公司", "运城市闻喜县", 5),
        "Y6": ("【示例】运城市虚构电机有限公司", "运城市永济市", 6),
        "P1": ("【示例】王示范", "运城市盐湖区", None),
        "P2": ("【示例】孙模拟", "运城市永济市", None),
        "P3": ("【示例】李堃", "运城市河津市", None),
        "P4": ("【示例】赵样例", "运城市芮城县", None),
    },
    "hengyang": {
        "H1": ("【示例】衡阳𠀀样例特种材料有限公司", "衡阳市蒸湘区", 1),
        "H2": ("【示例】衡阳市示范输变电装备有限公司", "衡阳市雁峰区", 2),
        "H3": ("【示例】衡阳市样例盐化有限公司", "衡阳市石鼓区", 3),
        "H4": ("【示例】衡阳市模拟钢管制造有限公司", "衡阳市珠晖区", 4),
        "H5": ("【示例】衡阳市演示现代农业股份有限公司", "衡阳市衡南县", 5),
        "H6": ("【示例】衡阳市虚构智能装备有限公司", "衡阳市高新区", 6),
        "H7": ("【示例】衡阳市示例医药有限公司", "衡阳市耒阳市", 7),
        "H8": ("【示例】衡阳市演练新材料有限公司", "衡阳市衡阳县", 8),
    },
    "baoshan": {
        "B1": ("【示例】保山市示范咖啡产业有限公司", "保山市隆阳区", 1),
        "B2": ("【示例】保山市样例硅材料有限公司", "保山市龙陵县", 2),
        "B3": ("【示例】保山市模拟茶业股份有限公司", "保山市昌宁县", 3),
        "B4": ("【示例】保山市演示建筑工程有限公司", "保山市腾冲市", 4),
        "B5": ("【示例】保山市虚构食品有限公司", "保山市施甸县", 5),
    },
    "jinshui": {
        "J1": ("【示例】郑州金水示范软件科技有限公司", "郑州市金水区", 1),
        "J2": ("【示例】郑州金水样例医疗器械有限公司", "郑州市金水区", 2),
        "J3": ("【示例】郑州金水模拟建设集团有限公司", "郑州市金水区", 3),
        "J4": ("【示例】郑州金水演示数据服务有限公司", "郑州市金水区", 4),
        "J5": ("【示例】郑州金水虚构物业服务有限公司", "郑州市金水区", 5),
        "J6": ("【示例】郑州金水示例检测技术有限公司", "郑州市金水区", 6),
        "J7": ("【示例】郑州金水样板餐饮管理有限公司", "郑州市金水区", 7),
        "J8": ("【示例】郑州金水演练环保科技有限公司", "郑州市金水区", 8),
    },
}


# --- Editions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """An edition: its call, the publicity lists it shows, and its decision once decided.
    The recommended list, where there is one, lists the winners."""

    number: int
    year: int
    call: tuple[str, str]  # date signed, application deadline
    publicity: dict[str, str]  # kind -> start date (or OPEN_NOW); the others are not shown
    candidates: tuple[tuple[str, int | None], ...]  # (recipient, score)
    accepted: tuple[str, ...] = ()
    winners: tuple[tuple[str, str, int | None], ...] = ()  # (recipient, rank, score)
    decided: str | None = None  # date the decision was signed
    drafts: tuple[str, ...] = ()  # publicity kinds left unpublished


EDITIONS = {
    # Every 5 years; 2018 under 运政发〔2013〕28号, 2023 under 运政发〔2023〕14号 (from 2023-06-09).
    "yuncheng": [
        Edition(
            number=1,
            year=2018,
            call=("2018-03-12", "2018-05-31"),
            publicity={ACCEPTED: "2018-06-11", CANDIDATES: "2018-09-10", RECOMMENDED: "2018-10-15"},
            accepted=("Y1", "Y2", "Y3", "Y6", "P1", "P2"),
            candidates=(
                ("Y1", 812),
                ("Y2", 798),
                ("Y3", 702),
                ("Y6", 655),
                ("P1", 765),
                ("P2", 690),
            ),
            winners=(
                ("Y1", "award", 812),
                ("Y2", "award", 798),
                ("Y3", "nomination", 702),
                ("P1", "award", 765),
                ("P2", "nomination", 690),
            ),
            decided="2018-11-20",
        ),
        Edition(
            number=2,
            year=2023,
            call=("2023-07-10", "2023-08-31"),
            publicity={ACCEPTED: "2023-09-11", CANDIDATES: "2023-10-16", RECOMMENDED: "2023-11-13"},
            accepted=("Y3", "Y4", "Y5", "Y6", "P3", "P4"),
            candidates=(
                ("Y3", 826),
                ("Y4", 791),
                ("Y5", 713),
                ("Y6", 684),
                ("P3", 772),
                ("P4", 701),
            ),
            # Y3 held only a nomination award, which does not bar re-application.
            winners=(
                ("Y3", "award", 826),
                ("Y4", "award", 791),
                ("Y5", "nomination", 713),
                ("P3", "award", 772),
                ("P4", "nomination", 701),
            ),
            decided="2023-12-11",
        ),
    ],
    # Every 2 years, at least 600 points; the 2026 edition's candidates are on show now.
    "hengyang": [
        Edition(
            number=1,
            year=2022,
            call=("2022-04-11", "2022-06-30"),
            publicity={RECOMMENDED: "2022-11-07"},
            candidates=(("H1", 702), ("H2", 668), ("H3", 631), ("H6", 603)),
            winners=(("H1", "award", 702), ("H2", "award", 668), ("H3", "award", 631)),
            decided="2022-12-06",
        ),
        Edition(
            number=2,
            year=2024,
            call=("2024-04-08", "2024-06-28"),
            publicity={RECOMMENDED: "2024-10-28"},
            candidates=(("H4", 689), ("H5", 645), ("H6", 618), ("H7", 604)),
            winners=(("H4", "award", 689), ("H5", "award", 645), ("H6", "award", 618)),
            decided="2024-12-03",
        ),
        Edition(
            number=3,
            year=2026,
            call=("2026-04-13", "2026-06-30"),
            publicity={RECOMMENDED: OPEN_NOW},
            # H1's 2022 award expired on 2025-12-05, so it may apply again.
            candidates=(("H1", 716), ("H7", 652), ("H8", 627)),
            winners=(("H1", "award", 716), ("H7", "award", 652), ("H8", "award", 627)),
        ),
    ],
    # Every year, no total score; the 2026 list of proposed winners is still a draft, its
    # period to run from the day it is approved.
    "baoshan": [
        Edition(
            number=1,
            year=2024,
            call=("2024-03-11", "2024-05-31"),
            publicity={RECOMMENDED: "2024-08-12"},
            candidates=(("B1", None), ("B2", None), ("B4", None)),
            winners=(("B1", "award", None), ("B2", "award", None)),
            decided="2024-09-24",
        ),
        Edition(
            number=2,
            year=2025,
            call=("2025-03-10", "2025-05-30"),
            publicity={RECOMMENDED: "2025-08-11"},
            candidates=(("B3", None), ("B4", None)),
            winners=(("B3", "award", None),),  # one of two places left vacant
            decided="2025-09-23",
        ),
        Edition(
            number=3,
            year=2026,
            call=("2026-03-09", "2026-05-29"),
            publicity={RECOMMENDED: ON_GOING_LIVE},
            candidates=(("B4", None), ("B5", None)),
            winners=(("B4", "award", None), ("B5", "award", None)),
            drafts=(RECOMMENDED,),
        ),
    ],
    # Every 2 years, at least 500 points, valid 4 years; 2023 under 金政〔2023〕30号.
    # J1's 2019 award expired on 2023-06-17: it wins again in 2023, a repeat winner who
    # takes no place in the quota and gets no money.
    "jinshui": [
        Edition(
            number=1,
            year=2019,
            call=("2019-03-11", "2019-04-12"),
            publicity={CANDIDATES: "2019-05-20"},
            candidates=(("J1", 612), ("J2", 587), ("J8", 533)),
            winners=(("J1", "award", 612), ("J2", "award", 587)),
            decided="2019-06-18",
        ),
        Edition(
            number=2,
            year=2021,
            call=("2021-03-08", "2021-04-16"),
            publicity={CANDIDATES: "2021-05-17"},
            candidates=(("J3", 641), ("J4", 598), ("J8", 552)),
            winners=(("J3", "award", 641), ("J4", "award", 598)),
            decided="2021-06-15",
        ),
        Edition(
            number=3,
            year=2023,
            call=("2023-10-30", "2023-11-24"),
            publicity={CANDIDATES: "2023-12-11"},
            candidates=(("J1", 655), ("J5", 603), ("J6", 577), ("J7", 561)),
            winners=(
                ("J1", "award", 655),
                ("J5", "award", 603),
                ("J6", "award", 577),
                ("J7", "award", 561),
            ),
            decided="2023-12-28",
        ),
    ],
}


# --- Revocations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Revocation:
    programme: str
    year: int  # edition of the revoked award
    recipient: str
    signed: str
    grounds: tuple[str, ...]  # articles of the programme's revocation grounds
    facts: str
    recovered: str  # what is taken back
    money_clawed_back: bool


REVOCATIONS = [
    Revocation(
        programme="yuncheng",
        year=2018,
        recipient="Y2",
        signed="2024-04-15",
        grounds=("第三十条第二项",),
        facts="经市应急管理部门调查认定，该公司于2024年1月发生一起生产安全责任事故，造成重大财产损失。"
        "（示例：事实为虚构。）",
        recovered="证书和奖牌",
        money_clawed_back=True,
    ),
    Revocation(
        programme="jinshui",
        year=2021,
        recipient="J4",
        signed="2024-03-18",
        grounds=("第二十四条第一项",),
        facts="经区市场监督管理局核查，该公司申报材料中的经营数据和用户满意度报告与实际不符，"
        "属于弄虚作假。（示例：事实为虚构。）",
        recovered="证书和奖杯",
        money_clawed_back=True,
    ),
]


# --- Reporting channels ------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    office: str
    office_hours: str
    anonymous_accepted: bool
    acknowledge_days: int
    conclude_days: int
    confidentiality: str


CHANNELS = {
    "yuncheng": Channel(
        office="运城市盐湖区示例路1号三楼（示例地址）",
        office_hours="工作日 9:00—12:00，14:30—17:30",
        anonymous_accepted=True,
        acknowledge_days=5,
        conclude_days=30,
        confidentiality="依照运政发〔2023〕14号第二十八条，监督组对举报人的姓名、单位、联系方式和举报内容严格保密，"
        "举报材料由专人保管，不向被举报单位或个人透露。",
    ),
    "hengyang": Channel(
        office="衡阳市蒸湘区示例大道2号五楼（示例地址）",
        office_hours="工作日 8:30—12:00，14:30—17:30",
        anonymous_accepted=True,
        acknowledge_days=5,
        conclude_days=20,
        confidentiality="《衡阳市市长质量奖管理办法（征求意见稿）》第二十三条没有规定举报人保密；本办公室仍承诺，"
        "举报人信息和举报内容只限经办人员知悉，不对外公开。",
    ),
    "baoshan": Channel(
        office="保山市隆阳区示例街3号二楼（示例地址）",
        office_hours="工作日 9:00—12:00，14:30—18:00",
        anonymous_accepted=True,
        acknowledge_days=7,
        conclude_days=30,
        confidentiality="管理办法第十一条要求广泛听取社会意见，但没有规定举报人保密；质量兴市办承诺对反映人的身份"
        "和联系方式保密，只在核实问题时使用。",
    ),
    "jinshui": Channel(
        office="郑州市金水区示例路4号四楼（示例地址）",
        office_hours="工作日 9:00—12:00，13:30—17:00",
        anonymous_accepted=False,
        acknowledge_days=5,
        conclude_days=15,
        confidentiality="金政〔2023〕30号第十条第七项、第十七条第六项规定公示期间接受社会监督，没有规定举报人保密；"
        "评委会办公室承诺对举报人身份严格保密，举报材料不外传。",
    ),
}


# --- Loading -----------------------------------------------------------------------------


@dataclass
class DemoResult:
    created: int
    counts: dict[str, int]
    accounts: list[tuple[str, str, str]]  # username, full name, roles


# 网站信息 of the demo: plausible in form, fictitious (【示例】, zeros), as a deployment
# replaces them under 设置 › 网站信息.
DEMO_SITE_IDENTITY = {
    "sponsor": "【示例】运城市市场监督管理局",
    "organiser": "【示例】运城市质量强市工作领导小组办公室",
    "phone": "0359-0000000",
    "email": "zlj-demo@example.gov.cn",
    "address": "【示例】山西省运城市盐湖区示例路1号",
    "icp_number": "晋ICP备00000000号-1",
    "police_number": "晋公网安备14080200000000号",
    "site_id_code": "1408000000",
    "party_government": False,
    "conac_url": "",
    "organisation_code": "11140800MB0000000H",
}


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


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
