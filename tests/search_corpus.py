"""A small corpus with the names search must get right, built into a real index with the
site's own reader, model and index builder (no Pelican run: tests/gongshi/search/
test_site_search.py and the browser tests do the whole build). Importable by name from
the search tests; tests/gongshi/search/conftest.py turns it into fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import corpus as c

TODAY = date(2024, 6, 12)
XUJI = c.credit_code("411000", 1)
HAIER = c.credit_code("370200", 2)
RENAMED = c.credit_code("140800", 3)
CHANGAN = c.credit_code("500000", 4)
EXPIRED = c.credit_code("140800", 5)
REVOKED = c.credit_code("140800", 6)


@dataclass
class Fixture:
    content: Path
    index_dir: Path


def write_corpus(content: Path) -> None:
    c.write(content, c.home())
    y2018 = c.edition(11, 1, 2018, "示例市市长质量奖")
    y2023 = c.edition(12, 2, 2023, "示例市市长质量奖")
    c.write(
        content,
        c.programme(10, "shili", "示例市市长质量奖", "示例市", [y2018, y2023], validity_years=5),
    )
    level = "示例市市长质量奖"
    d2018 = date(2018, 11, 20)
    d2023 = date(2023, 11, 20)
    awards_2018 = [
        # renamed since: the 2023 award carries the new name
        c.award(101, "示例市示范机械厂", RENAMED, level, 2018, d2018, date(2023, 11, 19)),
        c.award(102, "示例市旧时光陶瓷有限公司", EXPIRED, level, 2018, d2018, date(2023, 11, 19)),
        c.award(103, "示例市造假电子有限公司", REVOKED, level, 2018, d2018, date(2023, 11, 19)),
    ]
    awards_2023 = [
        c.award(201, "许继电源股份有限公司", XUJI, level, 2023, d2023, date(2028, 11, 19)),
        c.award(202, "海尔集团有限公司", HAIER, level, 2023, d2023, date(2028, 11, 19)),
        c.award(203, "示范精密机械有限公司", RENAMED, level, 2023, d2023, date(2028, 11, 19)),
        c.award(204, "重庆长安汽车股份有限公司", CHANGAN, level, 2023, d2023, date(2028, 11, 19)),
        c.award(205, "王示范", "", level, 2023, d2023, None, category="individual"),
    ]
    c.write(
        content,
        c.decision(31, "shili", y2018, "示政发〔2018〕20号", d2018, "示例市人民政府", awards_2018),
        "经评审和公示，决定授予下列组织2018年度示例市市长质量奖。",
    )
    c.write(
        content,
        c.decision(32, "shili", y2023, "示政发〔2023〕20号", d2023, "示例市人民政府", awards_2023),
        "经评审和公示，决定授予下列组织和个人2023年度示例市市长质量奖。",
    )
    c.write(
        content,
        c.revocation(
            33,
            "shili",
            y2018,
            "示政发〔2020〕5号",
            date(2020, 3, 2),
            "示例市人民政府",
            31,
            awards_2018[2],
        ),
        "经查，该公司申报材料弄虚作假，决定撤销其荣誉称号。",
    )
    c.write(
        content,
        c.notice(34, "shili", y2023, date(2023, 10, 9), "示例市质量奖评审办公室", awards_2023),
        "本单位建立了完善的质量管理体系。公示期间如有异议，请实名反映。",
    )
    c.write(
        content,
        c.notice(
            35,
            "shili",
            y2023,
            date(2023, 9, 4),
            "示例市质量奖评审办公室",
            awards_2023[:2],
            "candidates",
        ),
        "评审关注质量，也关注管理；卓越绩效模式推进情况良好。",
    )
    withdrawn = {
        **c._common("withdrawn", 36, "误发的绝密测试公示", date(2023, 8, 1)),
        "withdrawn_kind": "notice",
        "programme": "shili",
        "document_number": "",
        "index_number": None,
        "withdrawn_at": "2023-08-02T10:00:00+08:00",
        "reason": "误发",
    }
    c.write(content, withdrawn)


def build_fixture_index(content: Path, index_dir: Path) -> None:
    from gongshi.search import documents, engine
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records, coverage

    site = assemble(read_content(content), TODAY, "测试")
    records = list(all_records(site))
    extra = {
        "coverage.json": coverage(site),
        "suggestions.json": documents.suggestions(records),
    }
    engine.build(index_dir, records, extra)
