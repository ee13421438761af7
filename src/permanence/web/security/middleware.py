"""Headers on every response the app makes (static files are answered before this).

- ``Permissions-Policy``: no page of permanence uses a camera, a microphone, the
  person's location or any other powerful browser feature, so none may be used, by our
  pages or by anything injected into them.
- ``Cache-Control: no-store``: nothing the app answers is kept by the browser or by a
  proxy on the way. Pages and downloads that name children are most of the app, and a
  page that does not today may tomorrow; marking every response is the simplest rule
  that cannot be forgotten by a new view. (The Content-Security-Policy header is set by
  django-csp, configured in the settings.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response
