"""A programme's rules as values, detached from the models that store them."""

from dataclasses import dataclass, field
from enum import StrEnum

from .errors import Citation
from .publicity import NoticeKindRule


class Category(StrEnum):
    ORGANISATION = "organisation"
    INDIVIDUAL = "individual"


@dataclass(frozen=True)
class Level:
    """One award level for one category of recipient, e.g. 质量奖 for organisations."""

    name: str
    category: Category
    quota: int
    bars_reapplication: bool = True


@dataclass(frozen=True)
class Ground:
    """A ground for revocation; some programmes bar re-application only on some grounds."""

    text: str
    citation: Citation
    bars_reapplication: bool = True


@dataclass(frozen=True)
class ProgrammeRules:
    name: str
    regulation: str  # 文号 where there is one, else the regulation's title
    cycle_years: int
    levels: tuple[Level, ...] = ()
    quota_article: str | None = None
    min_score: int | None = None
    min_score_article: str | None = None
    max_score: int | None = 1000
    # Points a recipient may get outside the maximum, per item (Yuncheng's talent bonus:
    # 5 for each ordinary talent brought in, 20 for each senior one); () for none.
    bonus_steps: tuple[int, ...] = ()
    bonus_article: str | None = None
    validity_years: int | None = None
    validity_article: str | None = None
    notice_kinds: tuple[NoticeKindRule, ...] = ()
    revocation_ban_years: int | None = None
    revocation_ban_editions: int | None = None
    revocation_ban_article: str | None = None
    reapply_ban_editions: int | None = None
    reapply_barred_during_validity: bool = False
    reapply_article: str | None = None
    repeat_winner_takes_quota: bool = True
    repeat_winner_gets_prize_money: bool = True
    repeat_winner_article: str | None = None
    grounds: tuple[Ground, ...] = field(default_factory=tuple)

    def cite(self, article: str | None) -> Citation:
        return Citation(self.regulation, article)

    def notice_kind(self, kind: str) -> NoticeKindRule | None:
        """The rule for one kind of publicity notice, or None if the regulation has none."""
        for rule in self.notice_kinds:
            if rule.kind == kind:
                return rule
        return None

    def level(self, name: str, category: Category) -> Level | None:
        for level in self.levels:
            if level.name == name and level.category == category:
                return level
        return None
