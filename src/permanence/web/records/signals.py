"""Signals other apps listen to when records change in bulk.

An import writes thousands of rows with bulk operations, which send no per-row
``post_save``; ``records_loaded`` tells listeners (review planning, for one) which care
periods a load added or changed, after the load has been committed.
"""

from django.dispatch import Signal

# Sent with: authority (LocalAuthority), batch (ImportBatch), care_period_ids (set[int]).
records_loaded = Signal()
