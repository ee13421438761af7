"""National snapshots: each sharing authority's journeys frame, kept as Parquet.

Reading a million care periods through the ORM on every page view would be far too
slow. Instead each sharing authority's records are turned into its journeys frame once
(here, by the ``national_snapshot`` command each night, when its records are loaded, and
when it starts sharing), pruned of what national figures do not need
(``analysis.benchmarking.national_snapshot``: no reference, no date of birth, no team),
and written as one Parquet file per authority under the data directory. National figures
are computed from these files (``publication.py``) and stored once computed.

The files hold child-level rows, so only this module reads them, and only inside an
explicit authority scope: ``national_frame`` reads the file of an authority only when
the scope in force allows that authority.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from permanence.analysis.benchmarking import national_snapshot
from permanence.journey.frame import frame_schema
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, current_scope, scoped_to
from permanence.web.meetings.models import PlanningMeeting
from permanence.web.national.models import NationalSnapshot
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import (
    CarePeriod,
    Child,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)

# The planning meetings entered in the app too: the frame reads them where the extract
# has none of their kind (``records.journeys.add_to_the_tables_with``).
_RECORD_MODELS = (Child, CarePeriod, Placement, LegalStatus, Meeting, Milestone, PlanningMeeting)


def snapshot_dir() -> Path:
    """Where snapshots live: ``NATIONAL_SNAPSHOT_DIR``, or ``national/`` in the data directory."""
    configured = getattr(settings, "NATIONAL_SNAPSHOT_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "national"


def snapshot_path(snapshot: NationalSnapshot) -> Path:
    return snapshot_dir() / snapshot.file_name


def records_fingerprint(authority: LocalAuthority) -> str:
    """What the authority's records look like now, cheaply: a count and the latest change
    of each kind of record. A load, an edit or a deletion changes it."""
    parts = []
    with scoped_to(Scope.authority(authority.pk)):
        for model in _RECORD_MODELS:
            summary = model._default_manager.aggregate(n=Count("pk"), latest=Max("updated_at"))
            parts.append(f"{model.__name__}:{summary['n']}:{summary['latest']}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def build_snapshot(authority: LocalAuthority, as_of: date) -> NationalSnapshot:
    """Build (or rebuild) the authority's snapshot as of ``as_of``."""
    fingerprint = records_fingerprint(authority)
    with scoped_to(Scope.authority(authority.pk)):
        frame = national_snapshot(journeys_frame(as_of))
    directory = snapshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"{authority.code}.parquet"
    # Written beside the old file and renamed over it, so a reader never sees half a file.
    partial = directory / f".{file_name}.partial"
    frame.write_parquet(partial, compression="zstd")
    os.replace(partial, directory / file_name)
    snapshot, _ = NationalSnapshot.everywhere.update_or_create(
        authority=authority,
        defaults={
            "as_of": as_of,
            "built_at": timezone.now(),
            "file_name": file_name,
            "care_periods": frame.height,
            "size_bytes": (directory / file_name).stat().st_size,
            "fingerprint": fingerprint,
        },
    )
    return snapshot


def is_current(snapshot: NationalSnapshot, as_of: date) -> bool:
    """Whether a snapshot is for ``as_of`` and its authority's records have not changed."""
    return (
        snapshot.as_of == as_of
        and snapshot_path(snapshot).exists()
        and snapshot.fingerprint == records_fingerprint(snapshot.authority)
    )


def delete_snapshot(authority: LocalAuthority) -> None:
    """Remove an authority's snapshot: it has stopped sharing, so its rows go at once."""
    for snapshot in NationalSnapshot.everywhere.filter(authority=authority):
        snapshot_path(snapshot).unlink(missing_ok=True)
        snapshot.delete()


def national_frame(snapshots: Iterable[NationalSnapshot], as_of: date) -> pl.DataFrame:
    """The journeys frames of the snapshots the current scope allows, as one frame.

    Called inside ``scoped_to(Scope(frozenset(sharing authority ids)))``: a snapshot of
    an authority outside the scope is never read, whatever the caller passes.
    """
    scope = current_scope()
    frames = [
        pl.read_parquet(snapshot_path(snapshot))
        for snapshot in snapshots
        if scope.allows(snapshot.authority_id) and snapshot.as_of == as_of
    ]
    if not frames:
        return pl.DataFrame(schema=frame_schema())
    return pl.concat(frames, how="vertical")
