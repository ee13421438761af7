"""The national snapshot follows an authority's records: a load refreshes it if it shares.

After the load has committed (``records_loaded``), rebuilding the snapshot is a job the
worker runs (``national.tasks``): tried again if it fails, and shown to the authority's
administrators if it keeps failing. The nightly ``national_snapshot`` run builds any
snapshot that is still not current.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from permanence.web.accounts.models import LocalAuthority
from permanence.web.national.sharing import current_shares
from permanence.web.records.signals import records_loaded
from permanence.web.tasks.jobs import start_job
from permanence.web.tasks.models import Job


@receiver(records_loaded)
def refresh_national_snapshot(sender: Any, authority: LocalAuthority, **kwargs: Any) -> None:
    if authority.pk in current_shares():
        start_job(Job.Kind.NATIONAL_SNAPSHOT, authority)
