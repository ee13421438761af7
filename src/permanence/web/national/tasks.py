"""Rebuilding an authority's national snapshot, as a job the worker runs (``tasks.jobs``).

Safe to run again: the snapshot is built afresh from the records and written beside the
old file, then renamed over it (``snapshots.build_snapshot``). An authority that stopped
sharing in the meantime is left alone.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.publication import reference_date
from permanence.web.national.sharing import current_shares
from permanence.web.national.snapshots import build_snapshot
from permanence.web.tasks.jobs import runs
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress


@runs(Job.Kind.NATIONAL_SNAPSHOT)
def rebuild_snapshot(job: Job, progress: Progress) -> dict[str, Any]:
    if job.authority_id not in current_shares():
        return {"words": "The authority no longer shares its figures: nothing to rebuild."}
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.get(pk=job.authority_id)
    progress.stage("Rebuilding the national snapshot")
    snapshot = build_snapshot(authority, reference_date(timezone.localdate()))
    return {
        "care_periods": snapshot.care_periods,
        "words": f"The national snapshot holds {snapshot.care_periods:,} care periods.",
    }
