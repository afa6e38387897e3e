"""Awards: quotas, scores, validity, bans, and how an award must be cited."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from gongshi.formatting import chinese_date

from .errors import RuleViolation
from .messages import _
from .programme import Category, Ground, ProgrammeRules

# Re-exported: the rule lives in validity.py, which the search service imports without Django.
from .validity import award_status as award_status


@dataclass(frozen=True)
class ProposedAward:
    """A line of an award decision, as the editor typed it."""

    recipient: str
    category: Category
    level: str
    score: int | None = None  # the evaluation's score, out of the programme's maximum
    is_repeat: bool = False
    row: int | None = None  # the line number the editor sees, when it differs
    bonus: int | None = None  # points outside the maximum (运政发〔2023〕14号 第三条)

    @property
    def total(self) -> int | None:
        if self.score is None:
            return None
        return self.score + (self.bonus or 0)


@dataclass(frozen=True)
class PastAward:
    """An award already decided, used to work out bans and repeat winners."""

    recipient_key: str  # recipient_key(): a credit code or a person, never a name
    level: str
    edition_year: int
    valid_until: date | None
    revoked_on: date | None = None
    revocation_grounds: tuple[Ground, ...] = ()


def recipient_key(category: Category | str, credit_code: str, person: object) -> str:
    """Who a recipient is. An organisation is known by its credit code; a person by the
    person record the editor chose, so that two people of the same name never share an
    award history or a ban, and one person is one person however the name was typed."""
    if Category(category) == Category.INDIVIDUAL:
        if person is None:
            raise ValueError("an individual recipient needs a person")
        return f"person:{person}"
    if not credit_code:
        raise ValueError("an organisation is known by its credit code")
    return f"organisation:{credit_code}"


def years_after(day: date, years: int) -> date:
    """The last day of a period of `years` years that follows the event of `day`.

    民法典 第二百零一条: the day of the event is not counted, the period starts the next
    day; 第二百零二条: it ends on the day of the last year that corresponds to it, or on
    the month's last day when that year has none (29 February → 28 February). An award
    decided on 2023-06-08 with 3 years of validity is valid until 2026-06-08 inclusive.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: the month ends on the 28th
        return day.replace(year=day.year + years, day=28)


def valid_until(rules: ProgrammeRules, awarded_on: date) -> date | None:
    """Last day of validity (years_after), or None when the regulation states none."""
    if rules.validity_years is None:
        return None
    return years_after(awarded_on, rules.validity_years)


def citation(year: int, level_name: str) -> str:
    """How an award must be cited: always with its year (e.g. 2023年度运城市市长质量奖)."""
    return _("%(year)d年度%(level)s") % {"year": year, "level": level_name}


def check_decision(
    rules: ProgrammeRules,
    awards: Sequence[ProposedAward],
    same_edition: Sequence[ProposedAward] = (),
) -> list[RuleViolation]:
    """Everything wrong with a decision's list of winners, one violation per problem.
    `same_edition`: the awards of the edition's other decisions, which count towards its
    quota ("每届", per edition, not per document)."""
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
        problems.extend(_score_problems(rules, award, position))

    def quota_counts(rows: Sequence[ProposedAward]) -> Counter:
        return Counter(
            (award.level, award.category)
            for award in rows
            if not (award.is_repeat and not rules.repeat_winner_takes_quota)
        )

    counted, earlier = quota_counts(awards), quota_counts(same_edition)
    for (level_name, category), count in sorted(counted.items()):
        level = rules.level(level_name, category)
        before = earlier[(level_name, category)]
        if level is None or count + before <= level.quota:
            continue
        values = {
            "level": level_name,
            "category": category_label(category),
            "quota": level.quota,
            "count": count,
            "before": before,
            "citation": rules.cite(rules.quota_article),
        }
        if before:
            message = _(
                "%(level)s（%(category)s）每届不超过%(quota)d个；本届其他表彰决定已授予%(before)d个，本决定又列了%(count)d个（%(citation)s）。"
            )
        else:
            message = _(
                "%(level)s（%(category)s）每届不超过%(quota)d个，本决定列了%(count)d个（%(citation)s）。"
            )
        problems.append(RuleViolation(message % values, field="awards"))
    return problems


def _score_problems(rules: ProgrammeRules, award: ProposedAward, position: int):
    """The score within the programme's maximum, a bonus only where the regulation gives
    one (and outside the maximum: 运政发〔2023〕14号 第三条), the total above the minimum."""
    problems = []
    if refusal := bonus_refusal(rules, award.bonus):
        problems.append(
            RuleViolation(_("第%(n)d行：%(why)s") % {"n": position, "why": refusal}, field="awards")
        )
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
        elif award.total < rules.min_score:
            problems.append(
                RuleViolation(
                    _(
                        "第%(n)d行：%(name)s 评审总分%(score)d分，低于%(minimum)d分，不得授奖（%(citation)s）。"
                    )
                    % {
                        "n": position,
                        "name": award.recipient,
                        "score": award.total,
                        "minimum": rules.min_score,
                        "citation": rules.cite(rules.min_score_article),
                    },
                    field="awards",
                )
            )
    if award.score is not None and rules.max_score and not award.score <= rules.max_score:
        if rules.bonus_steps:
            message = _(
                "第%(n)d行：评审得分应在0至%(maximum)d分之间；人才引进等加分另填在“加分”中，不计入%(maximum)d分（%(citation)s）。"
            ) % {
                "n": position,
                "maximum": rules.max_score,
                "citation": rules.cite(rules.bonus_article),
            }
        else:
            message = _("第%(n)d行：评审总分应在0至%(maximum)d分之间。") % {
                "n": position,
                "maximum": rules.max_score,
            }
        problems.append(RuleViolation(message, field="awards"))
    return problems


def bonus_refusal(rules: ProgrammeRules, bonus: int | None) -> str | None:
    """Why these bonus points cannot be recorded, or None: only a programme whose
    regulation gives a bonus has one, and only in its steps (5 and 20 in Yuncheng)."""
    if not bonus:
        return None
    if not rules.bonus_steps:
        return _("本奖项的管理办法没有规定加分项，不能填写加分。")
    if not is_sum_of(bonus, rules.bonus_steps):
        return _("加分%(bonus)d分不是每项%(steps)s分的组合（%(citation)s）。") % {
            "bonus": bonus,
            "steps": "或".join(str(step) for step in rules.bonus_steps),
            "citation": rules.cite(rules.bonus_article),
        }
    return None


def is_sum_of(points: int, steps: Sequence[int]) -> bool:
    """Whether `points` is a sum of any number of each step (5 and 20: 25 is, 12 is not)."""
    reachable = [True] + [False] * points
    for total in range(1, points + 1):
        reachable[total] = any(step <= total and reachable[total - step] for step in steps)
    return reachable[points]


def barred_until(rules: ProgrammeRules, past: PastAward) -> tuple[date, str] | None:
    """Until when a past award bars its recipient from applying again, and why."""
    bans: list[tuple[date, str]] = []
    if past.revoked_on is not None:
        ban = revocation_ban_until(rules, past.revoked_on, past.revocation_grounds)
        if ban is not None:
            bans.append(
                (
                    ban,
                    _("因奖项被撤销，至%(until)s（含当日）不得申报（%(citation)s）")
                    % {
                        "until": chinese_date(ban),
                        "citation": rules.cite(rules.revocation_ban_article),
                    },
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
                            "until": chinese_date(past.valid_until),
                            "citation": rules.cite(rules.reapply_article),
                        },
                    )
                )
    return max(bans, default=None)


def revocation_ban_until(
    rules: ProgrammeRules, revoked_on: date, grounds: Iterable[Ground]
) -> date | None:
    """Last day of the ban that follows a revocation, or None when the grounds carry none.

    A ban in years runs from the day after the revocation (years_after: 保山 第二十八条
    自撤销之日起3年内). A ban in editions counts whole cycles of the programme from the
    first day of the revocation year (运政发〔2023〕14号 第三十条: 自撤销奖项当年起，3个
    评选周期内): 3 cycles of 5 years from a revocation in 2025 close 2025 to 2039, which
    holds exactly three editions however the editions fall in those years, and whatever
    edition pages the CMS holds (docs/adr/0021-periods-counted-in-years.md).
    """
    grounds = tuple(grounds)
    if grounds and not any(ground.bars_reapplication for ground in grounds):
        return None
    if rules.revocation_ban_years:
        return years_after(revoked_on, rules.revocation_ban_years)
    if rules.revocation_ban_editions:
        years = rules.revocation_ban_editions * rules.cycle_years
        return date(revoked_on.year + years, 1, 1) - timedelta(days=1)
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
