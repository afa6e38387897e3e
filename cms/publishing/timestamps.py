"""The moments content/ records, as the contract writes them: ISO 8601 in the site's time
zone, to the second."""

from django.utils import timezone


def timestamp(moment, zone=None) -> str:
    """A recorded moment in the site's time zone (`zone`: the current one, looked up once
    by a caller that converts tens of thousands)."""
    if moment is None:  # localtime(None) would be now: a publish time nobody recorded
        raise ValueError("缺少服务器记录的发布时间")
    return timezone.localtime(moment, zone).isoformat(timespec="seconds")
