"""The public wording of the contract's coded values."""

NOTICE_TYPES = {
    "internal": "申报单位内部公示",
    "accepted": "受理名单公示",
    "candidates": "候选名单公示",
    "recommended": "获奖建议名单公示",
}
# Calls share the notices listing; "call" is their filter value there.
LISTING_TYPES = {"call": "申报通知", **NOTICE_TYPES}

CATEGORIES = {"organisation": "单位", "individual": "个人"}

PROGRAMME_LEVELS = {"province": "省级", "city": "市级", "district": "区级", "county": "县级"}

REGULATION_STATUSES = {
    "in_force": "现行有效",
    "trial": "试行",
    "draft": "征求意见稿",
    "repealed": "已废止",
}

RANKS = {"award": "奖", "nomination": "提名奖"}

START_RULES = {"on_publication": "自发布之日起", "fixed": "指定开始日期"}

# The section each kind of document is filed under, for breadcrumbs and <meta ColumnName>.
SECTIONS = {
    "call": "申报通知",
    "notice": "公示公告",
    "decision": "表彰决定",
    "revocation": "撤销公告",
}
