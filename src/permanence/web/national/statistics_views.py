"""The published national statistics beside the authority's own figures
(docs/national-statistics.md).

An authority's people see Scotland's published figures and, beside them, their own
children looked after on the day of their latest data, counted the way the publication
counts them and under disclosure control. The national team sees the published figures.
No child is named: the page shows counts only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from permanence.analysis.disclosure import (
    SUPPRESSED_MARK,
    SUPPRESSION_NOTE,
    TOTAL,
    CountTable,
    protect_table,
)
from permanence.analysis.national_statistics import (
    CATEGORIES,
    LOOKED_AFTER,
    MEASURES,
    SCOTLAND,
    SETTINGS,
    PublishedFigure,
    latest,
    local_counts,
    published_figures,
)
from permanence.charts.national_statistics import ShareRow, residential_share_chart
from permanence.web.accounts.access import requires_one_of
from permanence.web.accounts.roles import Capability
from permanence.web.kernel.cache import authority_data

#: The rows an authority's own counts are protected in: they add up to all its children.
_PARTS = ("at_home", "other_community", "residential", "not_recorded")


@requires_one_of(Capability.VIEW_AGGREGATES, Capability.VIEW_NATIONAL)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    figures = published_figures()
    authority_id = getattr(request.user, "authority_id", None)
    local = _local(int(authority_id), figures) if authority_id is not None else None
    scotland = _scotland_years(figures)
    rows = [
        ShareRow(
            who=SCOTLAND,
            on=on,
            residential=by["residential"].value,
            community=by["community"].value,
            source=by["residential"].publication,
        )
        for on, by in scotland
    ]
    if local is not None:
        rows.append(
            ShareRow(
                who=local["name"],
                on=local["as_of"],
                residential=local["published"]["residential"],
                community=local["published"]["community"],
                source="Your authority's records (this app), under disclosure control",
            )
        )
    chart = residential_share_chart(rows, local_name=local["name"] if local else "")
    published = [
        figure for figure in figures if figure.area == SCOTLAND and figure.measure == LOOKED_AFTER
    ]
    leaving = [
        figure for figure in figures if figure.area == SCOTLAND and figure.measure != LOOKED_AFTER
    ]
    return render(
        request,
        "national/statistics.html",
        {
            "local": local,
            "is_national": request.user.can(Capability.VIEW_NATIONAL),  # type: ignore[union-attr]
            "chart": chart,
            "chart_rows": chart.data.to_dicts(),
            "chart_columns": chart.data.columns,
            "published": [
                (figure, CATEGORIES.get(figure.category, figure.category))
                for figure in sorted(published, key=lambda f: (f.on, f.category))
            ],
            "leaving": [
                (
                    figure,
                    MEASURES.get(figure.measure, figure.measure),
                    CATEGORIES.get(figure.category, figure.category),
                )
                for figure in leaving
            ],
            "sources": sorted({(f.publication, f.source_url) for f in figures}),
            "suppression_note": SUPPRESSION_NOTE,
        },
    )


def _scotland_years(
    figures: list[PublishedFigure],
) -> list[tuple[date, dict[str, PublishedFigure]]]:
    """Each day with both Scotland's community and residential counts published."""
    by_day: dict[date, dict[str, PublishedFigure]] = {}
    for figure in figures:
        if figure.area == SCOTLAND and figure.measure == LOOKED_AFTER:
            by_day.setdefault(figure.on, {})[figure.category] = figure
    return [
        (on, by) for on, by in sorted(by_day.items()) if "community" in by and "residential" in by
    ]


def _local(authority_id: int, figures: list[PublishedFigure]) -> dict[str, Any]:
    """The authority's children looked after on the day of its data, protected, each
    beside the latest count published for the authority, when a loaded by-authority
    table names it (the shipped figures are Scotland's only)."""
    data = authority_data(authority_id)
    open_periods = data.frame.filter(
        data.frame.get_column("period_end").is_null()
        & (data.frame.get_column("period_start") <= data.as_of)
    )
    settings = open_periods.get_column("current_care_setting").to_list()
    counts = local_counts(settings)
    parts = {
        "at_home": counts["at_home"],
        "other_community": counts["community"] - counts["at_home"],
        "residential": counts["residential"],
        "not_recorded": counts["all"] - counts["community"] - counts["residential"],
    }
    protected = protect_table(
        CountTable(
            row="setting",
            column="count",
            row_keys=_PARTS,
            column_keys=("count",),
            values=np.array([[parts[key]] for key in _PARTS], dtype=np.int64),
        )
    )
    at_home = protected.published("at_home")
    other = protected.published("other_community")
    published = {
        "all": protected.published(TOTAL),
        "at_home": at_home,
        "community": None if at_home is None or other is None else at_home + other,
        "residential": protected.published("residential"),
        "not_recorded": protected.published("not_recorded"),
    }
    labels = {**SETTINGS, "not_recorded": "No placement recorded"}
    official = latest(figures, measure=LOOKED_AFTER, area=data.name)
    rows = [
        (labels[key], SUPPRESSED_MARK if value is None else str(value), official.get(key))
        for key, value in published.items()
    ]
    return {
        "name": data.name,
        "as_of": data.as_of,
        "published": published,
        "rows": rows,
        "has_official": bool(official),
    }
