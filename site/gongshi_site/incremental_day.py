"""A new build date as an incremental change: the documents whose status the day changes.

The 00:01 (Beijing time) build moves the build date on. What it changes is known from
the documents alone: a publicity period opens on its start date and closes after its
end date (公示期结束), a call closes after its deadline, an award expires after its last
day of validity or is revoked from the day its revocation is signed, and an open
period's 距公示截止还有N天 counts down. These are the rules of status.py (the CMS's own,
gongshi/rules), applied to both days: a period's end date was fixed, working days
counted, when it went live (ADR 18), so no calendar is consulted here, and a gap of
several days is the same comparison as one of a day.

Every other output that shows the date reads `site.today` or the build date, and the
incremental build finds it as it finds any changed value (model_changes.py,
incremental_files.py, incremental_feeds.py). A date going backwards is refused: the
documents' own changes since then cannot be told apart from the day's.
"""

from __future__ import annotations

from datetime import date

from .incremental_limits import NeedsFullBuild
from .status import OPEN


def documents_whose_status_changes(site, old: date, new: date) -> set[tuple]:
    """Keys, (kind, id), of the notices, calls and awards of the model `site` (read:
    its notices' and calls' dates, its awards' validity and revocations) whose status
    on `new` differs from that on `old`, an open period's count of days left included.

    Raises NeedsFullBuild if `new` is before `old`."""
    if new < old:
        raise NeedsFullBuild(f"构建日期从{old.isoformat()}退回到{new.isoformat()}，需要完整构建")
    changed: set[tuple] = set()
    if new == old:
        return changed
    for notice in site.notices:
        before, after = notice.status_on(old), notice.status_on(new)
        if before != after or after == OPEN:  # open on both days: a day fewer left
            changed.add((notice.kind, notice.id))
    for call in site.calls:
        if call.status_on(old) != call.status_on(new):
            changed.add((call.kind, call.id))
    for award in site.awards:
        if award.status_on(old) != award.status_on(new):
            changed.add(("award", award.id))
    return changed
