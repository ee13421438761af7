"""Caching the dashboards, so twenty screens in a meeting room do not each rebuild them.

Building an authority's journeys frame from its records takes a few hundred milliseconds
for 5,000 children, and working out an aim's page from the frame about as long again; a
page must be served in well under that. So each server process keeps, in memory:

- the authority's **data**: the journeys frame as of today, each child's pseudonymous
  reference and journey address, the teams, the aims (national and local) and the
  improvement work to mark on the charts (``AuthorityData``);
- each **page** worked out from it, per filter set and audience (the page's figures and
  charts, and the HTML of its body), and each rendered chart download.

Every entry's key holds the authority, its **data version** and the date. The version is
a number in the database (``DataVersion``, with a token made afresh with its row) that
every change to the authority's records or its improvement record moves on, inside the
transaction making the change (see ``invalidation.py``), and that a bulk import moves on
when it has committed. Each request
reads the version first (one small query), so a page worked out before a change is never
served after it, by any process, and tomorrow's pages are worked out afresh for tomorrow's
date. Old versions simply stop being asked for and fall out of the cache (least recently
used first); a process that sees a newer version drops the older entries at once.

Entries are computed once per process even when many requests ask at the same moment
(one lock per key), so a meeting room opening the same page together waits for one
computation, not twenty.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, TypeVar

import polars as pl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from permanence.analysis.aims import AimDefinition
from permanence.charts import ImprovementMarks
from permanence.journey.pseudonym import pseudonym
from permanence.web.accounts.models import LocalAuthority
from permanence.web.dashboards.models import DataVersion
from permanence.web.records.data_queries import purposeful_delays
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import Child

T = TypeVar("T")

#: How many entries each process keeps: an authority's data, and its pages per filter set.
DEFAULT_ENTRIES: Final = 96


class LruCache:
    """A thread-safe least-recently-used cache that computes each missing entry once."""

    def __init__(self, entries: int) -> None:
        if entries < 1:
            raise ValueError("a cache needs room for at least one entry")
        self.entries = entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:  # another thread may have finished it while this one waited
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]  # type: ignore[no-any-return]
            try:
                value = compute()
            except BaseException:
                with self._lock:  # nothing kept; the next request tries again
                    self._computing.pop(key, None)
                raise
            with self._lock:
                self._values[key] = value
                self._values.move_to_end(key)
                while len(self._values) > self.entries:
                    self._values.popitem(last=False)
                self._computing.pop(key, None)
            return value

    def discard(self, stale: Callable[[Hashable], bool]) -> int:
        """Drop every entry whose key ``stale`` says is out of date; returns how many."""
        with self._lock:
            gone = [key for key in self._values if stale(key)]
            for key in gone:
                del self._values[key]
            return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


STORE = LruCache(int(getattr(settings, "PERMANENCE_DASHBOARD_CACHE_ENTRIES", DEFAULT_ENTRIES)))


# ---------------------------------------------------------------------------------------
# The data version


def data_version(authority_id: int) -> str:
    """The authority's data version, as a stamp for cache keys (see ``DataVersion``)."""
    found = (
        DataVersion.objects.filter(authority_id=authority_id)
        .values_list("token", "version")
        .first()
    )
    if found is None:
        try:
            with transaction.atomic():
                row = DataVersion.objects.create(authority_id=authority_id)
        except IntegrityError:  # another request made it first
            row = DataVersion.objects.get(authority_id=authority_id)
        return row.stamp
    token, version = found
    return f"{token.hex}:{version}"


def bump(authority_id: int) -> None:
    """Move the authority's data version on, in the current transaction: a reader sees the
    new version exactly when it can see the change that moved it."""
    now = timezone.now()
    moved = DataVersion.objects.filter(authority_id=authority_id).update(
        version=F("version") + 1, changed_at=now
    )
    if moved:
        return
    try:
        with transaction.atomic():  # a savepoint: losing a race to create it is harmless
            DataVersion.objects.create(authority_id=authority_id, version=1)
    except IntegrityError:
        DataVersion.objects.filter(authority_id=authority_id).update(
            version=F("version") + 1, changed_at=now
        )


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------
# The authority's data


@dataclass(frozen=True)
class AuthorityData:
    """Everything the dashboards read for one authority, version and day."""

    authority_id: int
    code: str
    name: str
    version: str
    as_of: date
    frame: pl.DataFrame
    pseudonyms: Mapping[str, str]
    hrefs: Mapping[str, str]
    teams: tuple[str, ...]
    aims: tuple[AimDefinition, ...]
    improvements: Mapping[str, ImprovementMarks]
    #: Purposeful delays recorded on children: ``child_ref``, ``period_number``, the
    #: ``clock`` (an aim's start column) and the ``reason`` (records.data_queries).
    decisions: pl.DataFrame | None = None
    #: the day the latest extract loaded was taken (None before any import): never the
    #: measuring date ``as_of``, and said beside it on every page
    extract_date: date | None = None

    def key(self, kind: str, *parts: Hashable) -> tuple[Hashable, ...]:
        """A cache key for something worked out from this data."""
        return (kind, self.authority_id, self.version, self.as_of, *parts)

    def aim(self, aim_id: str) -> AimDefinition | None:
        return next((aim for aim in self.aims if aim.id == aim_id), None)


def authority_data(authority_id: int, as_of: date | None = None) -> AuthorityData:
    """The authority's data as of ``as_of`` (today), from the cache when it is current.

    Must run inside the authority's scope (a request of one of its people, or
    ``scoped_to``): the frame is built from the records in scope.
    """
    when = as_of or today()
    version = data_version(authority_id)
    key = ("data", authority_id, version, when)

    def build() -> AuthorityData:
        STORE.discard(lambda old: _older(old, authority_id, version))
        return _build(LocalAuthority.objects.get(pk=authority_id), version, when)

    return STORE.get_or_compute(key, build)


def cached(
    data: AuthorityData, kind: str, parts: tuple[Hashable, ...], compute: Callable[[], T]
) -> T:
    """``compute()`` for this data, kind and parts, worked out once and kept."""
    return STORE.get_or_compute(data.key(kind, *parts), compute)


def _older(key: Hashable, authority_id: int, version: str) -> bool:
    """Whether ``key`` belongs to the authority's data at another version."""
    return isinstance(key, tuple) and len(key) >= 3 and key[1] == authority_id and key[2] != version


def _build(authority: LocalAuthority, version: str, as_of: date) -> AuthorityData:
    from permanence.web.dashboards.improvement import improvements_for, local_aims
    from permanence.web.planning.models import PlanningSettings

    frame = journeys_frame(as_of)
    references = dict(Child.objects.values_list("child_ref", "pk"))
    # The national aims as the authority follows them: Aim 4's routes are its choice.
    national = PlanningSettings.for_authority(authority.pk).national_aims()
    aims = (*national, *local_aims())
    return AuthorityData(
        authority_id=authority.pk,
        code=authority.code,
        name=authority.name,
        version=version,
        as_of=as_of,
        frame=frame,
        pseudonyms=pseudonyms(authority.code, references),
        hrefs=journey_addresses(references),
        teams=tuple(sorted(frame.get_column("team").drop_nulls().unique().to_list())),
        aims=aims,
        improvements=improvements_for(aims),
        decisions=recorded_decisions(frame),
        extract_date=latest_extract_date(),
    )


def recorded_decisions(frame: pl.DataFrame) -> pl.DataFrame:
    """The purposeful delays recorded in scope, each with its care period's number in the
    frame (how the aims name a care period)."""
    periods = frame.select("child_ref", "period_start", "period_number")
    return purposeful_delays().join(periods, on=["child_ref", "period_start"], how="inner")


def latest_extract_date() -> date | None:
    """The day the latest extract loaded (in scope) was taken from the case recording system."""
    from permanence.web.records.models import ImportBatch

    batch = (
        ImportBatch.objects.filter(status=ImportBatch.Status.LOADED)
        .order_by(F("loaded_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )
    return None if batch is None else batch.extract_date


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


_SLOT: Final = 987654321


def journey_addresses(references: Mapping[str, int]) -> dict[str, str]:
    """Each child's journey address, from one reversed address with the key filled in."""
    before, _, after = reverse("child-journey", args=[_SLOT]).partition(str(_SLOT))
    return {reference: f"{before}{pk}{after}" for reference, pk in references.items()}
