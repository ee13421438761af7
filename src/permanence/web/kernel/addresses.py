"""Addresses every app builds: a child's journey, and the tidy address of a filtered page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

_SLOT: Final = 987654321


def journey_addresses(references: Mapping[str, int]) -> dict[str, str]:
    """Each child's journey address, from one reversed address with the key filled in."""
    before, _, after = reverse("child-journey", args=[_SLOT]).partition(str(_SLOT))
    return {reference: f"{before}{pk}{after}" for reference, pk in references.items()}


def tidy_address(
    request: HttpRequest,
    query: str,
    *,
    problems: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> HttpResponseRedirect | None:
    """A redirect to the shortest address of the same view (``query``, the filters written
    back, then the ``keep`` parameters that are not filters, such as a list's page), when
    the form sent defaults and blanks ("?period=all&team=&age=..."), so the address people
    share is the clear one. Never when part of the address could not be used
    (``problems``): the page says what."""
    if problems or not request.GET:
        return None
    kept = urlencode([(name, request.GET[name]) for name in keep if request.GET.get(name)])
    wanted = "&".join(part for part in (query, kept) if part)
    if request.GET.urlencode() == wanted:
        return None
    return HttpResponseRedirect(f"{request.path}?{wanted}" if wanted else request.path)
