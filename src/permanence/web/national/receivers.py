"""The national snapshot follows an authority's records: a load refreshes it if it shares.

Runs after the load has committed (``records_loaded``). A fault is logged and never
undoes the load: the nightly ``national_snapshot`` run builds the snapshot again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority
from permanence.web.national.publication import reference_date
from permanence.web.national.sharing import current_shares
from permanence.web.national.snapshots import build_snapshot
from permanence.web.records.signals import records_loaded

logger = logging.getLogger(__name__)


@receiver(records_loaded)
def refresh_national_snapshot(sender: Any, authority: LocalAuthority, **kwargs: Any) -> None:
    if authority.pk not in current_shares():
        return
    try:
        build_snapshot(authority, reference_date(timezone.localdate()))
    except Exception:
        logger.exception("the national snapshot of %s could not be rebuilt", authority.code)
