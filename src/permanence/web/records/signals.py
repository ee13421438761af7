"""Signals other apps listen to when records change in bulk.

An import writes thousands of rows with bulk operations, which send no per-row
``post_save``; ``records_loaded`` tells listeners (review planning, for one) which care
periods a load added or changed, after the load has been committed.
"""

from typing import Any

from django.dispatch import Signal

from permanence.web.kernel.versions import bump

# Sent with: authority (LocalAuthority), batch (ImportBatch), care_period_ids (set[int]).
records_loaded = Signal()


def move_version_on(sender: Any, authority: Any, **kwargs: Any) -> None:
    """A load has committed: the authority's pages are out of date (``kernel.versions``)."""
    bump(authority.pk)
