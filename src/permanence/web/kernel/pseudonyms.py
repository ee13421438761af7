"""The pseudonymous references shown to people who need not know who a child is."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from permanence.journey.pseudonym import pseudonym


def pseudonyms(authority_code: str, references: Mapping[str, int]) -> dict[str, str]:
    """Each child's pseudonymous reference (the keyed hash review planning uses too, so a
    worker sees the same pseudonym in a calendar and on a chart).

    A keyed hash cannot be vectorised, so this is one short loop over the authority's
    children, done once per data version and kept (about 2 ms per 1,000 children).
    """
    key = pseudonym_key()
    return {reference: pseudonym(key, authority_code, reference) for reference in references}


def pseudonym_key() -> str:
    """The ``PSEUDONYM_KEY`` setting, which every pseudonymous reference shown needs (the
    dashboards', the calendars' and the alerts' alike), or a clear error without it."""
    key: str = getattr(settings, "PSEUDONYM_KEY", "")
    if not key:
        raise ImproperlyConfigured("set PERMANENCE_PSEUDONYM_KEY: pseudonyms need a key")
    return key
