"""The numbers on /statistics/, each as a chart and as the table the chart draws."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup

from .charts import bar_chart
from .model import Site


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    headers: list[str]
    rows: list[list]  # the first cell of each row heads it (th scope="row")


def charts(site: Site) -> list[Chart]:
    return [
        awards_by_programme_and_year(site),
        awards_by_level(site),
        awards_by_region(site),
        revocations_by_year(site),
        awards_in_force(site),
        complaints_by_programme_and_year(site),
    ]


def awards_by_programme_and_year(site: Site) -> Chart:
    rows = []
    for programme in site.programmes:
        counts = Counter(award.year for award in programme.awards)
        rows.extend([programme.title, f"{year}年度", counts[year]] for year in sorted(counts))
    total = sum(row[2] for row in rows)
    return _chart(
        "awards-by-year",
        "各项目历年获奖数量",
        f"共{total}个奖项，按评选项目和年度统计。",
        ["评选项目", "年度", "获奖数量"],
        rows,
        [(f"{row[0]} {row[1]}", row[2]) for row in rows],
    )


def awards_by_level(site: Site) -> Chart:
    counts = Counter(award.level for award in site.awards)
    rows = [[level, count] for level, count in _most_first(counts)]
    return _chart(
        "awards-by-level",
        "按奖项统计",
        f"{len(rows)}种奖项的获奖数量。",
        ["奖项", "获奖数量"],
        rows,
        [(row[0], row[1]) for row in rows],
    )


def awards_by_region(site: Site) -> Chart:
    counts = Counter(award.region or "未注明地区" for award in site.awards)
    rows = [[region, count] for region, count in _most_first(counts)]
    return _chart(
        "awards-by-region",
        "按地区统计",
        f"获奖者分布在{len(rows)}个地区。",
        ["地区", "获奖数量"],
        rows,
        [(row[0], row[1]) for row in rows],
    )


def revocations_by_year(site: Site) -> Chart:
    counts = Counter(revocation.date_signed.year for revocation in site.revocations)
    rows = [[f"{year}年", counts[year]] for year in sorted(counts)]
    return _chart(
        "revocations-by-year",
        "撤销奖项数量",
        f"共撤销{len(site.revocations)}个奖项，按撤销决定的年份统计。",
        ["年份", "撤销数量"],
        rows,
        [(row[0], row[1]) for row in rows],
    )


def awards_in_force(site: Site) -> Chart:
    rows = []
    for programme in site.programmes:
        statuses = Counter(award.status.key for award in programme.awards)
        rows.append(
            [
                programme.title,
                statuses["valid"],
                statuses["expired"],
                statuses["revoked"],
                len(programme.awards),
            ]
        )
    valid = sum(row[1] for row in rows)
    return _chart(
        "awards-in-force",
        "目前有效的奖项",
        f"截至{site.today.isoformat()}，共{valid}个奖项在有效期内。",
        ["评选项目", "有效", "已过期", "已撤销", "合计"],
        rows,
        [(row[0], row[1]) for row in rows],
    )


def complaints_by_programme_and_year(site: Site) -> Chart:
    """The supervision group's published counts; nothing about any case's content."""
    rows = [
        [
            f"{programme.title} {counts.year}年",
            counts.received,
            counts.concluded,
            counts.upheld,
            "—" if counts.median_days_to_conclude is None else counts.median_days_to_conclude,
        ]
        for programme in site.programmes
        for counts in programme.complaint_statistics
    ]
    received = sum(row[1] for row in rows)
    return _chart(
        "complaints",
        "投诉举报受理情况",
        f"监督组通过在线举报收到{received}件投诉举报，按评选项目和收到年份统计；"
        "办结用时为自收到至办结的自然日中位数。",
        ["评选项目和年份", "收到", "已办结", "反映属实", "办结用时中位数（天）"],
        rows,
        [(row[0], row[1]) for row in rows],
    )


def _chart(chart_id, title, description, headers, rows, bars) -> Chart:
    svg = bar_chart(chart_id, title, description, bars)
    return Chart(chart_id, title, description, Markup(svg), headers, rows)


def _most_first(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
