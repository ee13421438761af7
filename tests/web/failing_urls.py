"""The app's addresses and one that fails, to see the 500 page the way production shows it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from permanence.web.accounts.access import public
from permanence.web.urls import urlpatterns as app_urlpatterns


@public
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault the person must not see")


urlpatterns = [*app_urlpatterns, path("fails/", fails)]
