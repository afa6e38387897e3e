"""Whether an award is valid, expired or revoked on a given day.

Plain Python without Django, like every rule (messages.py), so the
public site's plugin and the search service, which never load Django, apply this very rule.
"""

from datetime import date

# What an award without an end date says, wherever it is shown (site, open data, feeds,
# verification): its regulation sets no validity period. Never "长期有效": nobody decided
# that it lasts for ever, the regulation is silent.
NO_VALIDITY = "管理办法未规定有效期"
# award_status() in words, as the site, open data and verification show it.
AWARD_STATUS_LABELS = {"valid": "有效", "expired": "已过期", "revoked": "已撤销"}


def award_status(valid_until_day: date | None, revoked_on: date | None, today: date) -> str:
    """ "revoked" from the day the revocation is signed, whatever the validity; "expired"
    the day after the last day of validity; otherwise "valid" (no end date never expires)."""
    if revoked_on is not None and revoked_on <= today:
        return "revoked"
    if valid_until_day is not None and today > valid_until_day:
        return "expired"
    return "valid"
