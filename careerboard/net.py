"""The client's address, derived in one place for login lockout, rate limits, API throttles and
view counts.

Behind `NUM_PROXIES` trusted proxies, each proxy appends the address it received the request
from to X-Forwarded-For, so the client is the NUM_PROXIES-th address from the right; anything to
its left was written by the client and is ignored. Without proxies, X-Forwarded-For is ignored
altogether and the socket's address is the client's.
"""

from django.conf import settings
from ipware import get_client_ip
from rest_framework import throttling


def client_ip(request) -> str:
    """The address of the client that sent `request`, as the trusted proxies saw it."""
    proxies = settings.NUM_PROXIES
    if proxies:
        # ipware counts the proxies listed in the header, which excludes the nearest one (it is
        # REMOTE_ADDR); non-strict so that a forged prefix cannot push the client out of place.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    # Requests built outside a server (logging out in a test, say) have no address.
    return request.META.get("REMOTE_ADDR", "")


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's anonymous API throttle, counting each client behind the proxies on its own."""

    def get_ident(self, request):
        return client_ip(request)


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's signed-in API throttle; anonymous callers are counted by their own address."""

    def get_ident(self, request):
        return client_ip(request)
