"""The client's address behind nginx: from X-Real-IP into REMOTE_ADDR, header dropped."""

import pytest
from django.test import RequestFactory

from cms.base.proxy import ClientAddressFromProxy


def seen(**meta):
    captured = {}

    def view(request):
        captured.update(request.META)
        return None

    ClientAddressFromProxy(view)(RequestFactory().get("/report/", **meta))
    return captured


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::1"])
def test_the_address_nginx_gives_becomes_remote_addr_and_the_header_goes(address):
    meta = seen(HTTP_X_REAL_IP=address, REMOTE_ADDR="127.0.0.1")
    assert meta["REMOTE_ADDR"] == address
    assert "HTTP_X_REAL_IP" not in meta


@pytest.mark.parametrize("value", ["", "not-an-address", "203.0.113.9, 10.0.0.1"])
def test_anything_else_leaves_remote_addr_alone(value):
    meta = seen(HTTP_X_REAL_IP=value, REMOTE_ADDR="127.0.0.1")
    assert meta["REMOTE_ADDR"] == "127.0.0.1"
    assert "HTTP_X_REAL_IP" not in meta
