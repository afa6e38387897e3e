"""A synthetic content/ directory: contract-valid files, made up but realistic Chinese.

Reproducible (seeded) and sized by parameters, for benchmarks of the site build and of
search, and for tests that need a particular corpus (tests/gongshi/search/). The builders
below write one document each; `generate()` writes a whole corpus:

    python tests/bench/corpus.py /tmp/corpus --notices 20000 --winners 5000

Every file goes through gongshi.contract.dump, so a generated corpus is one the CMS could
have exported.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from gongshi.contract import SCHEMA_VERSION, dump, records, relative_path
from gongshi.contract import decision as contract_decision
from gongshi.contract import notice as contract_notice
from gongshi.contract import programme as contract_programme
from gongshi.contract import revocation as contract_revocation
from gongshi.rules.awards import citation
from gongshi.rules.gb32100 import check_character
from gongshi.rules.identity import recipient_id

REPOSITORY = Path(__file__).resolve().parents[2]

PUBLISHED = "T09:30:00+08:00"
# Bump when generate() writes anything different: archives cached by `make bench`
# (var/bench/corpus-v<VERSION>-s<seed>-n<size>/) are keyed by it.
VERSION = 2


def credit_code(region: str, serial: int) -> str:
    """A well-formed 统一社会信用代码: 91 + region + MA + serial + check character."""
    first17 = f"91{region}MA{serial:07d}"
    return first17 + check_character(first17)


def _moment(day: date) -> str:
    return day.isoformat() + PUBLISHED


def _common(kind: str, item_id: int, title: str, day: date) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "kind": kind,
        "id": item_id,
        "uuid": f"00000000-0000-4000-8000-{item_id:012d}",
        "title": title,
        "first_published_at": _moment(day),
        "last_published_at": _moment(day),
    }


def home(site_name: str = "质量奖公示公开平台") -> dict:
    return {
        **_common("home", 1, site_name, date(2020, 1, 1)),
        "site_name": site_name,
        "introduction": "依法公开质量奖的申报、评审公示、表彰和撤销信息。",
        "identity": {
            "sponsor": "示例市人民政府办公室",
            "organiser": "示例市市场监督管理局",
            "phone": "0000-12345678",
            "email": "",
            "address": "",
            "icp_number": "京ICP备00000000号-1",
            "police_number": "",
            "police_url": "",
            "site_id_code": "1100000000",
            "party_government": False,
            "conac_url": "",
        },
    }


def programme(
    item_id: int,
    slug: str,
    title: str,
    region: str,
    editions: list[dict],
    *,
    validity_years: int | None = 3,
    cycle_years: int = 1,
    levels: tuple[str, ...] = (),
) -> dict:
    levels = levels or (title, f"{title}提名奖")
    # The programme's own fields by the contract's record (gongshi/contract/programme.py).
    record = contract_programme.Programme(
        slug=slug,
        level="city",
        region=region,
        organiser=f"{region}人民政府",
        office=f"{region}市场监督管理局",
        supervisor=f"{region}质量奖监督组",
        summary=f"{title}是{region}人民政府设立的最高质量荣誉。",
        regulation=contract_programme.Regulation(
            title=f"{title}管理办法",
            number="",
            status="in_force",
            issued_on=date(2015, 1, 1),
            effective_from=date(2015, 1, 1),
            expires_on=None,
            url="",
            replaces="",
        ),
        cycle_years=cycle_years,
        validity_years=validity_years,
        publicity_kinds=[period_rule(kind) for kind in PUBLICITY_LABELS],
        levels=[
            contract_programme.Level(
                name=name,
                rank="nomination" if name.endswith("提名奖") else "award",
                category="organisation",
                quota=10,
            )
            for name in levels
        ],
        rules=[],
        editions=[records.from_document(contract_programme.Edition, item) for item in editions],
        complaint_statistics=[],
    )
    return {**_common("programme", item_id, title, date(2015, 1, 5)), **records.as_document(record)}


def edition(item_id: int, number: int, year: int, programme_title: str) -> dict:
    record = contract_programme.Edition(
        id=item_id, number=number, year=year, title=f"{year}年度{programme_title}"
    )
    return records.as_document(record)


def _document(kind, item_id, title, slug, edition_, number, body_signed: date, issuer, summary):
    return {
        **_common(kind, item_id, title, body_signed),
        # The catalogue numbers items by year of first publication; the id keeps it unique.
        "index_number": f"11990000MB0000000J/{body_signed.year}-{item_id:05d}",
        "programme": slug,
        "edition": edition_,
        "document_number": number,
        "issuing_body": issuer,
        "date_signed": body_signed.isoformat(),
        "summary": summary,
        "attachments": [],
        "changes": [{"published_at": _moment(body_signed), "note": "首次发布", "is_major": True}],
    }


def _person_id(item_id: int) -> str:
    return f"p-{item_id:012x}"


def award(
    item_id: int,
    recipient: str,
    code: str,
    level: str,
    year: int,
    valid_from: date,
    valid_until: date | None,
    *,
    category: str = "organisation",
    region: str = "",
    person: str = "",
) -> dict:
    """An award, as its decision's file writes it (the contract's record, gongshi/contract/
    decision.py); an individual is `person` (a person's id), else a random-looking id."""
    code = code if category == "organisation" else ""
    record = contract_decision.Award(
        id=item_id,
        recipient=recipient,
        recipient_id=recipient_id(category, code, person or _person_id(item_id), recipient),
        credit_code=code,
        category=category,
        level=level,
        region=region,
        score=None,
        bonus=None,
        prize="证书和奖牌",
        prize_money_yuan=None,
        is_repeat=False,
        valid_from=valid_from,
        valid_until=valid_until,
        citation=citation(year, level),
    )
    return records.as_document(record)


def decision(item_id, slug, edition_, number, signed: date, issuer, awards) -> dict:
    title = f"{issuer}关于表彰{edition_['title']}获奖者的决定"
    return {
        **_document(
            "decision",
            item_id,
            title,
            slug,
            edition_,
            number,
            signed,
            issuer,
            f"{issuer}决定授予{len(awards)}个组织{edition_['title']}。",
        ),
        **records.as_document(contract_decision.Decision(awards=list(map(_award, awards)))),
    }


def _award(document: dict) -> contract_decision.Award:
    return records.from_document(contract_decision.Award, document)


PUBLICITY_LABELS = {"accepted": "受理名单", "candidates": "候选名单", "recommended": "获奖建议名单"}


def period_rule(notice_type: str) -> contract_notice.PeriodRule:
    """Every corpus programme: each kind at least 5 working days, as 第十九条 says."""
    return contract_notice.PeriodRule(
        notice_type=notice_type,
        name=f"{PUBLICITY_LABELS[notice_type]}公示",
        article="第十九条",
        min_working_days=5,
        exact=False,
    )


def notice(item_id, slug, edition_, signed: date, issuer, entries, notice_type="recommended"):
    label = PUBLICITY_LABELS
    title = f"{edition_['title']}{label[notice_type]}公示"
    # The notice's own fields by the contract's record (gongshi/contract/notice.py).
    record = contract_notice.Notice(
        notice_type=notice_type,
        period_rule=period_rule(notice_type),
        start_rule="fixed",
        start_date=signed,
        end_date=signed + timedelta(days=7),
        working_days=5,
        period_corrections=[],
        objection_method="请在公示期内以书面形式实名提出异议。",
        entries=[
            contract_notice.Entry(
                name=entry["recipient"],
                recipient_id=entry["recipient_id"],
                credit_code=entry["credit_code"],
                category=entry["category"],
                level="",
                region=entry["region"],
                score=None,
                bonus=None,
            )
            for entry in entries
        ],
    )
    return {
        **_document(
            "notice",
            item_id,
            title,
            slug,
            edition_,
            "",
            signed,
            issuer,
            f"现将{edition_['title']}{label[notice_type]}予以公示，公示期5个工作日。",
        ),
        **records.as_document(record),
    }


def revocation(item_id, slug, edition_, number, signed: date, issuer, decision_id, award_):
    return {
        **_document(
            "revocation",
            item_id,
            f"关于撤销{award_['recipient']}{award_['citation']}的决定",
            slug,
            edition_,
            number,
            signed,
            issuer,
            f"撤销{award_['recipient']}{award_['citation']}荣誉称号。",
        ),
        # The revocation's own fields by the contract's record (gongshi/contract/revocation.py);
        # the revoked award as its decision lists it.
        **records.as_document(
            contract_revocation.Revocation(
                award=contract_revocation.RevokedAward(
                    decision=decision_id, **{name: award_[name] for name in _REVOKED_AWARD}
                ),
                grounds=[
                    contract_revocation.Ground(text="发生重大质量安全事故", article="第二十条")
                ],
                facts="经调查认定，该单位在有效期内发生重大质量安全事故。",
                legal_basis="依据管理办法第二十条。",
                certificate_recovered=True,
                money_clawed_back=False,
                money_clawed_back_yuan=None,
                barred_until=None,
            )
        ),
    }


# What a revoked award repeats of the award as its decision lists it: all but `decision`.
_REVOKED_AWARD = tuple(
    name for name in records.names(contract_revocation.RevokedAward) if name != "decision"
)


def write(content_dir: Path, document: dict, body: str = "") -> Path:
    path = Path(content_dir) / relative_path(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(document, body, str(path)), encoding="utf-8")
    return path


# --- A whole corpus ------------------------------------------------------------------------

CITIES = [
    "运城",
    "衡阳",
    "保山",
    "郑州",
    "洛阳",
    "许昌",
    "绵阳",
    "宜宾",
    "柳州",
    "桂林",
    "赣州",
    "九江",
    "常德",
    "岳阳",
    "襄阳",
    "宜昌",
    "芜湖",
    "蚌埠",
    "潍坊",
    "烟台",
    "临沂",
    "济宁",
    "泉州",
    "漳州",
    "台州",
    "嘉兴",
    "湖州",
    "绍兴",
    "南通",
    "扬州",
    "镇江",
    "盐城",
    "唐山",
    "保定",
    "邯郸",
    "大同",
    "长治",
    "晋城",
    "包头",
    "鄂尔多斯",
    "吉林",
    "齐齐哈尔",
    "大庆",
]
WORDS = [
    "华",
    "宏",
    "鑫",
    "盛",
    "泰",
    "恒",
    "达",
    "信",
    "通",
    "远",
    "金",
    "瑞",
    "丰",
    "源",
    "新",
    "兴",
    "安",
    "康",
    "德",
    "利",
    "隆",
    "昌",
    "明",
    "海",
    "天",
    "阳",
    "光",
    "中",
    "正",
    "诚",
    "汇",
    "博",
    "科",
    "嘉",
    "和",
    "顺",
    "晟",
    "辉",
    "永",
    "富",
    "创",
    "峰",
    "凯",
    "越",
    "精",
]
INDUSTRIES = [
    "精密机械",
    "电源",
    "电气",
    "智能装备",
    "新材料",
    "化工",
    "医药",
    "食品",
    "纺织",
    "电子",
    "汽车零部件",
    "建筑工程",
    "环保科技",
    "软件",
    "物流",
    "农业",
    "钢管制造",
    "铝业",
    "茶业",
    "检测技术",
    "输变电装备",
    "医疗器械",
    "数据服务",
    "物业服务",
    "餐饮管理",
    "陶瓷",
    "光伏",
]
FORMS = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
SENTENCES = [
    "该单位建立了完善的质量管理体系，通过了ISO 9001质量管理体系认证。",
    "近三年未发生重大质量、安全和环境事故，未受到行政处罚。",
    "坚持以顾客为关注焦点，顾客满意度连续三年保持在95%以上。",
    "积极推行卓越绩效管理模式，导入GB/T 19580标准，经营业绩持续增长。",
    "主导或参与制定国家标准和行业标准多项，拥有发明专利和实用新型专利。",
    "评审组按照材料评审、现场评审、综合评价的程序，对申报组织进行了评审。",
    "公示期间，任何单位和个人如有异议，可向评审办公室实名反映。",
    "对匿名反映的问题，应当提供具体事实和证据材料，以便调查核实。",
    "评审工作坚持公开、公平、公正的原则，实行专家回避制度。",
    "获奖组织应当发挥示范引领作用，推广先进质量管理经验。",
]


@dataclass
class Corpus:
    """What was written, for benchmarks to build their queries from."""

    content_dir: Path
    winners: list[dict] = field(default_factory=list)  # awards as written
    revoked: list[dict] = field(default_factory=list)
    programmes: list[dict] = field(default_factory=list)
    notices: int = 0


def company_name(rng: random.Random, city: str) -> str:
    brand = "".join(rng.sample(WORDS, 2))
    return f"{city}{brand}{rng.choice(INDUSTRIES)}{rng.choice(FORMS)}"


def body(rng: random.Random, sentences: int) -> str:
    return "\n\n".join(
        "".join(rng.choice(SENTENCES) for _ in range(3)) for _ in range(max(1, sentences // 3))
    )


def generate(
    content_dir: Path,
    *,
    notices: int = 20_000,
    winners: int = 5_000,
    programmes: int = 300,
    years: int = 15,
    first_year: int = 2010,
    revoked_share: float = 0.02,
    sentences: int = 9,
    seed: int = 20240612,
) -> Corpus:
    """Write a corpus of `programmes` programmes over `years` years: `winners` awards in
    one decision per programme and year, and `notices` publicity notices spread over the
    editions, each listing candidates; about `revoked_share` of awards revoked."""
    rng = random.Random(seed)
    content_dir = Path(content_dir)
    corpus = Corpus(content_dir)
    write(content_dir, home())
    next_id = iter(range(1000, 10_000_000))
    serial = iter(range(1, 10_000_000))
    plan = []
    for number in range(programmes):
        city = CITIES[number % len(CITIES)]
        district = f"{city}{'' if number < len(CITIES) else f'第{number // len(CITIES) + 1}区'}"
        title = f"{district}市长质量奖"
        slug = f"p{number:03d}"
        region = f"{1 + number % 6}{number:05d}"[:6]
        editions = [
            edition(next(next_id), index + 1, first_year + index, title) for index in range(years)
        ]
        item_id = next(next_id)
        write(content_dir, programme(item_id, slug, title, district, editions), f"{title}简介。")
        plan.append((slug, title, district, region, editions))
        corpus.programmes.append({"slug": slug, "title": title})

    per_edition = max(1, winners // (programmes * years))
    made = 0
    slots = [(p, e) for p in plan for e in p[4]]
    rng.shuffle(slots)
    notice_budget = notices
    for index, ((slug, title, district, region, _), edition_) in enumerate(slots):
        issuer = f"{district}人民政府"
        signed = date(edition_["year"], 11, 1) + timedelta(days=rng.randrange(40))
        count = min(per_edition + (1 if index < winners % len(slots) else 0), winners - made)
        awards = []
        for _ in range(count):
            name = company_name(rng, district[:2])
            awards.append(
                award(
                    next(next_id),
                    name,
                    credit_code(region, next(serial)),
                    title,
                    edition_["year"],
                    signed,
                    signed.replace(year=signed.year + 3) - timedelta(days=1),
                    region=district,
                )
            )
        made += len(awards)
        notices_here = notice_budget // max(1, len(slots) - index)
        notice_budget -= notices_here
        for n in range(notices_here):
            kind = ("accepted", "candidates", "recommended")[(index + n) % 3]
            entries = awards or [
                award(
                    0,
                    company_name(rng, district[:2]),
                    credit_code(region, next(serial)),
                    title,
                    edition_["year"],
                    signed,
                    None,
                    region=district,
                )
            ]
            day = signed - timedelta(days=30 * (3 - n % 3) + n)
            document = notice(
                next(next_id), slug, edition_, day, f"{district}质量奖评审办公室", entries, kind
            )
            write(content_dir, document, body(rng, sentences))
            corpus.notices += 1
        if not awards:
            continue
        decision_id = next(next_id)
        number = f"{district[:1]}政发〔{edition_['year']}〕{rng.randrange(1, 99)}号"
        write(
            content_dir,
            decision(decision_id, slug, edition_, number, signed, issuer, awards),
            body(rng, 3),
        )
        for item in awards:
            corpus.winners.append({**item, "programme": slug})
            if rng.random() < revoked_share:
                revoked_on = signed + timedelta(days=200)
                number = f"{district[:1]}政发〔{revoked_on.year}〕{rng.randrange(100, 199)}号"
                write(
                    content_dir,
                    revocation(
                        next(next_id), slug, edition_, number, revoked_on, issuer, decision_id, item
                    ),
                    "经调查核实，决定撤销其荣誉称号，收回证书和奖牌。",
                )
                corpus.revoked.append(item)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content_dir", type=Path)
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--winners", type=int, default=5_000)
    parser.add_argument("--programmes", type=int, default=300)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20240612)
    arguments = parser.parse_args()
    corpus = generate(
        arguments.content_dir,
        notices=arguments.notices,
        winners=arguments.winners,
        programmes=arguments.programmes,
        years=arguments.years,
        seed=arguments.seed,
    )
    print(f"{corpus.notices} notices, {len(corpus.winners)} awards in {arguments.content_dir}")


if __name__ == "__main__":
    main()
