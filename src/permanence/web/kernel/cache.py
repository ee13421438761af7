"""The authority's data, kept per version, so twenty screens in a meeting room do not
each rebuild it.

Building an authority's journeys frame from its records takes a few hundred milliseconds
for 5,000 children, and working out an aim's page from the frame about as long again; a
page must be served in well under that. So each server process keeps, in memory:

- the authority's **data**: the journeys frame as of today, each child's pseudonymous
  reference and journey address, the teams, the aims (national and local) and the
  improvement work to mark on the charts (``AuthorityData``);
- each **page** worked out from it, per filter set and audience (the page's figures and
  charts, and the HTML of its body), and each rendered chart download (``cached``).

Every entry's key holds the authority, its **data version** and the date. The version is
a number in the database (``versions.py``) that every change to the authority's records
or its improvement record moves on, inside the transaction making the change, and that a
bulk import moves on when it has committed. Each request reads the version first (one
small query), so a page worked out before a change is never served after it, by any
process, and tomorrow's pages are worked out afresh for tomorrow's date. Old versions
simply stop being asked for and fall out of the cache (least recently used first); a
process that sees a newer version drops the older entries at once.

Entries are computed once per process even when many requests ask at the same moment
(one lock per key), so a meeting room opening the same page together waits for one
computation, not twenty.

What the data is made of (the records, the review planning settings, the improvement
record) belongs to apps above the kernel: the dashboards app, which reads them all,
hands the kernel its builder when it is ready (``build_with``), so every app may read the
data without importing the apps it is made from.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Protocol, TypeVar

import polars as pl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from permanence.analysis.aims import AimDefinition
from permanence.charts import ImprovementMarks
from permanence.web.kernel.versions import data_version

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


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class AuthorityData:
    """Everything the pages read for one authority, version and day."""

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


class AuthorityDataBuilder(Protocol):
    """Works out an authority's data from its records, in the authority's scope."""

    def __call__(self, authority_id: int, version: str, as_of: date) -> AuthorityData: ...


_builder: AuthorityDataBuilder | None = None


def build_with(builder: AuthorityDataBuilder) -> None:
    """Say how an authority's data is worked out (the dashboards app, once, when ready)."""
    global _builder
    _builder = builder


def authority_data(authority_id: int, as_of: date | None = None) -> AuthorityData:
    """The authority's data as of ``as_of`` (today), from the cache when it is current.

    Must run inside the authority's scope (a request of one of its people, or
    ``scoped_to``): the frame is built from the records in scope.
    """
    builder = _builder
    if builder is None:
        raise ImproperlyConfigured("no app has said how an authority's data is worked out")
    when = as_of or today()
    version = data_version(authority_id)
    key = ("data", authority_id, version, when)

    def build() -> AuthorityData:
        STORE.discard(lambda old: _older(old, authority_id, version))
        return builder(authority_id, version, when)

    return STORE.get_or_compute(key, build)


def cached(
    data: AuthorityData, kind: str, parts: tuple[Hashable, ...], compute: Callable[[], T]
) -> T:
    """``compute()`` for this data, kind and parts, worked out once and kept."""
    return STORE.get_or_compute(data.key(kind, *parts), compute)


def _older(key: Hashable, authority_id: int, version: str) -> bool:
    """Whether ``key`` belongs to the authority's data at another version."""
    return isinstance(key, tuple) and len(key) >= 3 and key[1] == authority_id and key[2] != version
