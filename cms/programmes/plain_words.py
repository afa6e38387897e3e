"""A programme's rules in plain words, each with its article, for the public site."""

from django.utils.translation import gettext as _


def plain_rules(programme) -> list[dict]:
    """Sentences a citizen can read, one per rule the programme sets, in the order a reader
    would ask: who may win, how often, how many, how judged, what follows."""
    rules = []

    def add(topic, text, article=""):
        if text:
            cited = f"{programme.regulation_reference} {article}".strip() if article else ""
            rules.append({"topic": topic, "text": text, "article": cited})

    recipients = [
        label
        for given, label in (
            (programme.awards_organisations, _("组织")),
            (programme.awards_individuals, _("个人")),
        )
        if given
    ]
    add(
        _("授奖对象"),
        _("授予%(who)s。") % {"who": "和".join(recipients)},
        programme.recipients_article,
    )
    cycle = (
        _("每年评选一次。")
        if programme.cycle_years == 1
        else _("每%(n)d年评选一次。") % {"n": programme.cycle_years}
    )
    add(_("评选周期"), cycle, programme.cycle_article)
    quotas = "；".join(
        _("%(name)s每届不超过%(quota)d个") % {"name": level.name, "quota": level.quota}
        for level in programme.levels.all()
    )
    if quotas:
        vacancy = _("，宁缺毋滥，可以空缺") if programme.vacancy_allowed else ""
        add(_("名额"), f"{quotas}{vacancy}。", programme.quota_article)
    if programme.scoring_standard:
        scoring = _("依据%(standard)s评审") % {"standard": programme.scoring_standard}
        if programme.max_score:
            scoring += _("，满分%(max)d分") % {"max": programme.max_score}
        add(_("评审标准"), scoring + "。", programme.scoring_article)
    if programme.min_score is not None:
        add(
            _("最低得分"),
            _("评审得分低于%(min)d分的，不授奖。") % {"min": programme.min_score},
            programme.min_score_article,
        )
    for kind in programme.publicity_kinds.all():
        add(_("公示"), _publicity(kind), kind.article)
    validity = (
        _(
            "荣誉称号有效期为%(n)d年，自表彰决定的次日起算，到第%(n)d年与决定日对应的那一天为止（含当日）。"
        )
        % {"n": programme.validity_years}
        if programme.validity_years
        else _("管理办法未规定荣誉称号的有效期。")
    )
    add(_("有效期"), validity, programme.validity_article)
    add(_("奖励"), _prize(programme), programme.prize_article)
    add(_("重复申报"), _reapplication(programme), programme.reapply_article)
    add(_("撤销"), programme.revocation_consequences, programme.revocation_consequences_article)
    if programme.revocation_ban_years:
        ban = _("因弄虚作假等被撤销的，自撤销的次日起%(n)d年内不得再次申报。") % {
            "n": programme.revocation_ban_years
        }
    elif programme.revocation_ban_editions:
        ban = _("被撤销的，自撤销当年1月1日起%(n)d个评选周期（%(years)d年）内不得再次申报。") % {
            "n": programme.revocation_ban_editions,
            "years": programme.revocation_ban_editions * programme.cycle_years,
        }
    else:
        ban = ""
    add(_("撤销后禁止申报"), ban, programme.revocation_ban_article)
    add(_("投诉举报"), programme.complaints, programme.complaints_article)
    add(_("称号使用"), programme.title_use, programme.title_use_article)
    return rules


def _publicity(kind) -> str:
    if kind.min_working_days is None:
        return _("%(name)s：管理办法未规定公示期长度。") % {"name": kind.name}
    if kind.exact:
        return _("%(name)s：公示%(n)d个工作日，期间可以提出异议。") % {
            "name": kind.name,
            "n": kind.min_working_days,
        }
    return _("%(name)s：公示期不少于%(n)d个工作日，期间可以提出异议。") % {
        "name": kind.name,
        "n": kind.min_working_days,
    }


def _prize(programme) -> str:
    parts = []
    if programme.prize_description:
        parts.append(programme.prize_description)
    if programme.prize_money_yuan:
        parts.append(_("奖金每个%(yuan)s元") % {"yuan": f"{programme.prize_money_yuan:,}"})
    if parts and not programme.repeat_winner_gets_prize_money:
        parts.append(_("再次获奖的不再发放奖金"))
    return "；".join(parts) + "。" if parts else ""


def _reapplication(programme) -> str:
    if programme.reapply_ban_editions:
        return _("获奖组织%(n)d届内不得重复申报。") % {"n": programme.reapply_ban_editions}
    if programme.reapply_barred_during_validity:
        return _("荣誉称号有效期内不得重复申报。")
    return ""
