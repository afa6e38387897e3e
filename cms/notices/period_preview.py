"""The end of a publicity period as the editor types, before saving: a small admin JSON
endpoint over the official calendar (cms.base.calendar, with the years an administrator
entered), which notices/period_preview.js calls when 开始日期, 公示期 or the start rule
change. What it answers is a preview; approving fixes the period (ADR 0018)."""

from __future__ import annotations

from datetime import date

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cms.base.calendar import official_calendar
from gongshi.rules import RuleViolation
from gongshi.rules import publicity as rules
from gongshi.rules.publicity import StartRule

from .periods import working_hours_end

MAX_WORKING_DAYS = 366


@require_GET
def period_preview(request):
    """?start_rule=fixed|on_publication&start_date=YYYY-MM-DD&working_days=N →
    {"start", "end", "text"} or {"error"} (a sentence for the editor)."""
    try:
        days = int(request.GET.get("working_days", ""))
    except ValueError:
        return JsonResponse({"error": "填写公示期（工作日）后，这里显示截止日期。"})
    if not 1 <= days <= MAX_WORKING_DAYS:
        return JsonResponse({"error": f"公示期须为1至{MAX_WORKING_DAYS}个工作日。"})
    calendar = official_calendar()
    try:
        if request.GET.get("start_rule") == StartRule.ON_PUBLICATION:
            moment = timezone.localtime()
            start = rules.first_public_day(calendar, moment, working_hours_end())
            basis = "如果今天批准，"
        else:
            try:
                start = date.fromisoformat(request.GET.get("start_date", ""))
            except ValueError:
                return JsonResponse({"error": "填写开始日期后，这里显示截止日期。"})
            basis = ""
        period = rules.period_from(calendar, start, days)
    except RuleViolation as refusal:
        return JsonResponse({"error": refusal.message})
    return JsonResponse(
        {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "text": f"{basis}公示期为{period.describe()}（按官方工作日历计算，保存前的预览）。",
        }
    )
