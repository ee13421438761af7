"""The authority's overview: figures only, no child-identifying data, for every role."""

from __future__ import annotations

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from permanence.journey.vocabulary import CareSetting
from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.records.journeys import journeys_frame


@requires(Capability.VIEW_AGGREGATES)
def home(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    frame = journeys_frame(as_of)
    open_periods = frame.filter(pl.col("period_end").is_null())
    by_setting = (
        open_periods.group_by("current_care_setting").len().sort("len", descending=True).iter_rows()
    )
    waiting = open_periods.filter(
        pl.col("accommodated_date").is_not_null() & pl.col("recommendation_date").is_null()
    )
    return render(
        request,
        "dashboards/home.html",
        {
            "as_of": as_of,
            "looked_after": open_periods.height,
            "by_setting": [
                (CareSetting(code).label if code else "Placement not recorded", count)
                for code, count in by_setting
            ],
            "waiting_for_recommendation": waiting.height,
            "teams": open_periods.group_by("team").len().sort("team").iter_rows(),
        },
    )
