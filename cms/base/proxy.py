"""The client's address behind the production web server.

gunicorn listens on the loopback interface only, so every request reaches Django from
nginx and REMOTE_ADDR is nginx's own address. nginx passes the client's address in
X-Real-IP, one header that it always sets itself (docs/deploy.md); this middleware puts
it where Django and the report intake's rate limits look (REMOTE_ADDR) and removes the
header, so no request metadata carries it twice. The intake keeps no address: it counts
a keyed hash that changes every hour (cms/supervision/throttle.py).
"""

from __future__ import annotations

import ipaddress

HEADER = "HTTP_X_REAL_IP"


class ClientAddressFromProxy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = request.META.pop(HEADER, "").strip()
        if address and _is_address(address):
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
