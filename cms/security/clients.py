"""The client's address for counting failed logins (django-axes's AXES_CLIENT_IP_CALLABLE).

REMOTE_ADDR: behind nginx, production's cms.base.proxy.ClientAddressFromProxy has already
put there the address nginx saw (X-Real-IP, which no client can set because gunicorn
listens to nginx only). django-ipware is not installed, so axes's own AXES_IPWARE_*
settings would do nothing.
"""


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
