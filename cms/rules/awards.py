"""Awards: quotas, scores, validity, bans, and how an award must be cited."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .errors import RuleViolation
from .programme import Category, Ground, ProgrammeRules

# Re-exported: the rule lives in validity.py, which the search service imports without Django.
from .validity import award_status as award_status


@dataclass(frozen=True)
class ProposedAward:
    """A line of an award decision, as the editor typed it."""

    recipient: str
    category: Category
    level: str
    score: int | None = None
    is_repeat: bool = False
    row: int | None = None  # the line number the editor sees, when it differs


@dataclass(frozen=True)
class PastAward:
    """An award already decided, used to work out bans and repeat winners."""

    recipient_key: str  # credit code for organisations, name for individuals
    level: str
    edition_year: int
    valid_until: date | None
    revoked_on: date | None = None
    revocation_grounds: tuple[Ground, ...] = ()


def recipient_key(name: str, credit_code: str) -> str:
    """Organisations are known by their credit code, individuals by their name."""
    return credit_code or name.strip()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def valid_until(rules: ProgrammeRules, awarded_on: date) -> date | None:
    """Last day of validity: N years from the decision, the day before its anniversary."""
    if rules.validity_years is None:
        return None
    return add_years(awarded_on, rules.validity_years) - timedelta(days=1)


def citation(year: int, level_name: str) -> str:
    """How an award must be cited: always with its year (e.g. 2023年度运城市市长质量奖)."""
    return _("%(year)d年度%(level)s") % {"year": year, "level": level_name}


def check_decision(rules: ProgrammeRules, awards: Sequence[ProposedAward]) -> list[RuleViolation]:
    """Everything wrong with a decision's list of winners, one violation per problem."""
    problems: list[RuleViolation] = []
    for index, award in enumerate(awards, start=1):
        position = award.row or index
        level = rules.level(award.level, award.category)
        if level is None:
            problems.append(
                RuleViolation(
                    _("第%(n)d行：本奖项没有“%(level)s”（%(category)s）这一奖项类别。")
                    % {
                        "n": position,
                        "level": award.level,
                        "category": category_label(award.category),
                    },
                    field="awards",
                )
            )
            continue
        if rules.min_score is not None:
            if award.score is None:
                problems.append(
                    RuleViolation(
                        _("第%(n)d行：%(name)s 须填写评审总分（最低%(minimum)d分，%(citation)s）。")
                        % {
                            "n": position,
                            "name": award.recipient,
                            "minimum": rules.min_score,
                            "citation": rules.cite(rules.min_score_article),
                        },
                        field="awards",
                    )
                )
            elif award.score < rules.min_score:
                problems.append(
                    RuleViolation(
                        _(
                            "第%(n)d行：%(name)s 评审总分%(score)d分，低于%(minimum)d分，不得授奖（%(citation)s）。"
                        )
                        % {
                            "n": position,
                            "name": award.recipient,
                            "score": award.score,
                            "minimum": rules.min_score,
                            "citation": rules.cite(rules.min_score_article),
                        },
                        field="awards",
                    )
                )
        if award.score is not None and rules.max_score and not award.score <= rules.max_score:
            problems.append(
                RuleViolation(
                    _("第%(n)d行：评审总分应在0至%(maximum)d分之间。")
                    % {"n": position, "maximum": rules.max_score},
                    field="awards",
                )
            )

    counted = Counter(
        (award.level, award.category)
        for award in awards
        if not (award.is_repeat and not rules.repeat_winner_takes_quota)
    )
    for (level_name, category), count in sorted(counted.items()):
        level = rules.level(level_name, category)
        if level is not None and count > level.quota:
            problems.append(
                RuleViolation(
                    _(
                        "%(level)s（%(category)s）每届不超过%(quota)d个，本决定列了%(count)d个（%(citation)s）。"
                    )
                    % {
                        "level": level_name,
                        "category": category_label(category),
                        "quota": level.quota,
                        "count": count,
                        "citation": rules.cite(rules.quota_article),
                    },
                    field="awards",
                )
            )
    return problems


def barred_until(rules: ProgrammeRules, past: PastAward) -> tuple[date, str] | None:
    """Until when a past award bars its recipient from applying again, and why."""
    bans: list[tuple[date, str]] = []
    if past.revoked_on is not None:
        ban = revocation_ban_until(rules, past.revoked_on, past.revocation_grounds)
        if ban is not None:
            bans.append(
                (
                    ban,
                    _("因奖项被撤销，%(until)s前不得申报（%(citation)s）")
                    % {"until": _date(ban), "citation": rules.cite(rules.revocation_ban_article)},
                )
            )
    else:
        level = next((lv for lv in rules.levels if lv.name == past.level), None)
        if level is not None and level.bars_reapplication:
            if rules.reapply_ban_editions:
                # The award's own edition plus the N that follow it are closed to the winner.
                years = (rules.reapply_ban_editions + 1) * rules.cycle_years
                until = date(past.edition_year + years, 1, 1) - timedelta(days=1)
                bans.append(
                    (
                        until,
                        _("%(year)d年度获奖后%(n)d个评选周期内不得重复申报（%(citation)s）")
                        % {
                            "year": past.edition_year,
                            "n": rules.reapply_ban_editions,
                            "citation": rules.cite(rules.reapply_article),
                        },
                    )
                )
            if rules.reapply_barred_during_validity and past.valid_until is not None:
                bans.append(
                    (
                        past.valid_until,
                        _("奖项有效期至%(until)s，期满后方可重新申报（%(citation)s）")
                        % {
                            "until": _date(past.valid_until),
                            "citation": rules.cite(rules.reapply_article),
                        },
                    )
                )
    return max(bans, default=None)


def revocation_ban_until(
    rules: ProgrammeRules, revoked_on: date, grounds: Iterable[Ground]
) -> date | None:
    """Last day of the ban that follows a revocation, or None when the grounds carry none.

    A ban in editions counts the cycle that contains the revocation year as the first
    (运政发〔2023〕14号 第三十条: 自撤销奖项当年起，3个评选周期内). Cycles are aligned on
    the programme's first edition when it is known, else they start in the revocation year.
    """
    grounds = tuple(grounds)
    if grounds and not any(ground.bars_reapplication for ground in grounds):
        return None
    if rules.revocation_ban_years:
        return add_years(revoked_on, rules.revocation_ban_years) - timedelta(days=1)
    if rules.revocation_ban_editions:
        first_cycle_year = revoked_on.year
        if rules.cycle_anchor_year is not None:
            elapsed = (revoked_on.year - rules.cycle_anchor_year) % rules.cycle_years
            first_cycle_year -= elapsed
        years = rules.revocation_ban_editions * rules.cycle_years
        return date(first_cycle_year + years, 1, 1) - timedelta(days=1)
    return None


def active_ban(rules: ProgrammeRules, history: Iterable[PastAward], on: date) -> str | None:
    """Why a recipient cannot be a candidate or winner on `on`, or None if they can."""
    for past in history:
        ban = barred_until(rules, past)
        if ban is not None and on <= ban[0]:
            return ban[1]
    return None


def is_repeat_winner(rules: ProgrammeRules, level: str, history: Iterable[PastAward]) -> bool:
    """A recipient who held this level before, not revoked: a repeat winner."""
    return any(p.level == level and p.revoked_on is None for p in history)


def category_label(category: Category) -> str:
    return {Category.ORGANISATION: _("组织"), Category.INDIVIDUAL: _("个人")}[category]


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
