"""What an authority's data is made of: the records, the review planning settings and
the improvement record, worked out into one ``AuthorityData`` for the kernel to keep.

The kernel keeps the data per version and day (``kernel/cache.py``); it is
worked out here, above every app it is made from, and handed to the kernel when the
dashboards app is ready.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db.models import F

from permanence.web.accounts.models import LocalAuthority
from permanence.web.dashboards.improvement import improvements_for, local_aims
from permanence.web.kernel.addresses import journey_addresses
from permanence.web.kernel.cache import AuthorityData
from permanence.web.kernel.pseudonyms import pseudonyms
from permanence.web.planning.models import PlanningSettings
from permanence.web.records.data_queries import purposeful_delays
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import Child, ImportBatch


def build_authority_data(authority_id: int, version: str, as_of: date) -> AuthorityData:
    """The authority's data as of ``as_of``, from the records in scope."""
    authority = LocalAuthority.objects.get(pk=authority_id)
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
    batch = (
        ImportBatch.objects.filter(status=ImportBatch.Status.LOADED)
        .order_by(F("loaded_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )
    return None if batch is None else batch.extract_date
