"""The demo's fictitious content as data: accounts, the facts the programmes' data files
lack, editions with their calls, notices and decisions, revocations and reporting
channels. Every page title starts with 【示例】 and every name and 文号 is invented;
loader.py creates them."""

from dataclasses import dataclass
from pathlib import Path

from cms.base.roles import ADMINISTRATORS, APPROVERS, EDITORS, SUPERVISORS
from cms.notices.models import PublicityNoticePage

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
