"""The client's address for counting failed logins (django-axes's AXES_CLIENT_IP_CALLABLE).

Behind nginx every request comes from nginx; production names the header in which nginx
passes the address it saw (GONGSHI_CLIENT_ADDRESS_HEADER, X-Real-IP), which no client can
set because gunicorn listens to nginx only. django-ipware is not installed, so axes's own
AXES_IPWARE_* settings would do nothing.
"""

from django.conf import settings


def client_address(request) -> str:
    header = settings.GONGSHI_CLIENT_ADDRESS_HEADER
    address = request.META.get(header, "").strip() if header else ""
    return address or request.META.get("REMOTE_ADDR", "")
