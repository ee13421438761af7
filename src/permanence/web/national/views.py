"""The national workspace's pages and downloads, and an authority's sharing page.

Every national page reads a ``NationalPublication`` (``publication.py``): figures that
have been through disclosure control. No page here queries a child's record; a national
user's own scope reaches nothing (``accounts.middleware``), and the figures are computed
inside the one explicit scope of ``publication.workspace``. A hidden count shows as "c"
with the note; a withheld figure shows as "c" too.

An authority's administrator manages what the authority shares on ``sharing``; the page
only ever shows the administrator's own authority (there is no address for another's).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from permanence.analysis.aims import NATIONAL_AIMS, AimDefinition, AimKind
from permanence.analysis.aims_outcomes import Outcome
from permanence.analysis.benchmarking import (
    AGE_BANDS,
    FUNNEL_POSITION_LABELS,
    NOT_RECORDED_BAND,
    OUTCOMES,
    SECTION_LABELS,
    FunnelPosition,
    Section,
)
from permanence.analysis.disclosure import SUPPRESSED_MARK, SUPPRESSION_NOTE, TOTAL
from permanence.analysis.stages import STAGES
from permanence.charts.benchmark import median_wait_chart, percent_met_chart
from permanence.charts.funnel import funnel_chart
from permanence.charts.spec import ChartSpec
from permanence.journey.vocabulary import AgeBand
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.national.forms import SharingForm
from permanence.web.national.learning import progress_across, progress_by_authority
from permanence.web.national.models import Phase, SharingDecision
from permanence.web.national.publication import Workspace, reference_date, workspace
from permanence.web.national.sharing import decide

AIMS_BY_ID: dict[str, AimDefinition] = {aim.id: aim for aim in NATIONAL_AIMS}
# The authority's own pages name outcomes by ``Outcome``; the national pages say the same.
OUTCOME_LABELS = {outcome.value: outcome.label for outcome in Outcome}
BAND_LABELS = {band.value: band.label for band in AgeBand} | {
    NOT_RECORDED_BAND: "Not accommodated, or age not recorded"
}
NATIONAL_LABEL = "All sharing authorities"


def _shown(value: Any) -> str:
    return SUPPRESSED_MARK if value is None else str(value)


def _name(space: Workspace, code: str) -> str:
    return NATIONAL_LABEL if code == TOTAL else space.names.get(code, code)


def _context(space: Workspace, **extra: Any) -> dict[str, Any]:
    return {
        "space": space,
        "note": SUPPRESSION_NOTE,
        "aims": NATIONAL_AIMS,
        "sections": {section.value: label for section, label in SECTION_LABELS.items()},
        "national_label": NATIONAL_LABEL,
        **extra,
    }


def _today_workspace() -> Workspace:
    return workspace(timezone.localdate())


@requires(Capability.VIEW_NATIONAL)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Who shares what, each aim's percentage met per authority, side by side, and the
    improvement projects' phases and progress scores of the authorities sharing what they
    learn (only those: ``learning.progress_across``)."""
    space = _today_workspace()
    aims = space.rows("aims")
    authorities = sorted(
        {code for code, sections in space.shares.items() if Section.AIMS in sections},
        key=lambda code: _name(space, code),
    )
    table = []
    for code in [*authorities, TOTAL] if authorities else []:
        cells = []
        for aim in NATIONAL_AIMS:
            row = _row(aims, aim.id, code)
            cells.append(_percent_cell(row))
        table.append({"code": code, "name": _name(space, code), "cells": cells})
    sharing = [
        {
            "name": space.names.get(code, code),
            "sections": [SECTION_LABELS[s] for s in Section if s in sections],
        }
        for code, sections in sorted(space.shares.items(), key=lambda item: _name(space, item[0]))
    ]
    return render(
        request,
        "national/home.html",
        _context(
            space,
            table=table,
            sharing=sharing,
            waiting=[space.names.get(code, code) for code in space.waiting],
            progress=progress_by_authority(progress_across()),
            phases=[str(phase.label).split(":", 1)[0] for phase in Phase],
        ),
    )


@requires(Capability.VIEW_NATIONAL)
@require_GET
def aim_detail(request: HttpRequest, aim_id: str) -> HttpResponse:
    """One aim: the counts table, the funnel plot, intervals and the age-adjusted figures."""
    aim = AIMS_BY_ID.get(aim_id)
    if aim is None:
        raise Http404("No such aim")
    space = _today_workspace()
    aims = space.rows("aims")
    rows = aims.filter(pl.col("aim") == aim.id) if aims.height else aims
    authority_rows = rows.filter(pl.col("authority") != TOTAL) if rows.height else rows
    national = _row(aims, aim.id, TOTAL)
    names = space.names
    charts: list[ChartSpec] = []
    funnel_rows = space.rows("funnels")
    if authority_rows.height:
        limits = funnel_rows.filter(pl.col("aim") == aim.id) if funnel_rows.height else funnel_rows
        charts.append(
            funnel_chart(authority_rows, limits, aim_title=aim.title, names=names, name="funnel")
        )
        charts.append(
            percent_met_chart(
                authority_rows,
                aim_title=aim.title,
                national_percent=None if national is None else national.get("percent"),
                names=names,
                name="percent-met",
            )
        )
    ordered = sorted(
        authority_rows.iter_rows(named=True) if authority_rows.height else [],
        key=lambda row: _name(space, row["authority"]),
    )
    counts = [
        {
            "name": _name(space, row["authority"]),
            "counted": _shown(row["counted"]),
            "outcomes": [_shown(row[o]) for o in OUTCOMES],
            "percent": _percent_cell(row),
            "funnel": FUNNEL_POSITION_LABELS.get(FunnelPosition(row["funnel"]), "")
            if row["funnel"]
            else "",
            "standardised": _standardised_cells(row),
        }
        for row in [*ordered, *([national] if national else [])]
    ]
    bands = space.rows("bands")
    band_rows = [
        {
            "label": BAND_LABELS.get(row["band"], row["band"]),
            "met": _shown(row["met"]),
            "known": _shown(row["known"]),
            "percent": _shown(row["percent"]),
        }
        for row in (
            bands.filter(pl.col("aim") == aim.id).iter_rows(named=True) if bands.height else []
        )
    ]
    return render(
        request,
        "national/aim.html",
        _context(
            space,
            aim=aim,
            review_aim=aim.kind is AimKind.REVIEWED_AFTER,
            outcome_labels=[OUTCOME_LABELS[o] for o in OUTCOMES],
            counts=counts,
            charts=charts,
            bands=band_rows,
            band_order=AGE_BANDS,
        ),
    )


@requires(Capability.VIEW_NATIONAL)
@require_GET
def survival(request: HttpRequest) -> HttpResponse:
    """Kaplan-Meier median weeks to each aim's milestone, per authority."""
    space = _today_workspace()
    rows = space.rows("survival")
    sections = []
    for aim in NATIONAL_AIMS:
        if aim.kind is not AimKind.WITHIN:
            continue
        aim_rows = rows.filter(pl.col("aim") == aim.id) if rows.height else rows
        authority_rows = (
            aim_rows.filter(pl.col("authority") != TOTAL) if aim_rows.height else aim_rows
        )
        ordered = sorted(
            authority_rows.iter_rows(named=True) if authority_rows.height else [],
            key=lambda row: _name(space, row["authority"]),
        )
        national = [
            r
            for r in (aim_rows.iter_rows(named=True) if aim_rows.height else [])
            if r["authority"] == TOTAL
        ]
        sections.append(
            {
                "aim": aim,
                "rows": [
                    {
                        "name": _name(space, row["authority"]),
                        "median": _shown(row["median_weeks"]),
                        "lower": _shown(row["lower_weeks"]),
                        "upper": "not yet known"
                        if row["upper_weeks"] is None and row["median_weeks"] is not None
                        else _shown(row["upper_weeks"]),
                    }
                    for row in [*ordered, *national]
                ],
                "chart": median_wait_chart(
                    authority_rows,
                    aim_title=aim.title,
                    target_weeks=aim.target_weeks,
                    names=space.names,
                    name=f"median-{aim.id}",
                )
                if authority_rows.height
                else None,
            }
        )
    return render(request, "national/survival.html", _context(space, sections=sections))


@requires(Capability.VIEW_NATIONAL)
@require_GET
def stages(request: HttpRequest) -> HttpResponse:
    """Median days in each stage of the journey, per authority."""
    space = _today_workspace()
    rows = space.rows("stages")
    codes = sorted(
        {
            code
            for code in (rows.get_column("authority").to_list() if rows.height else [])
            if code != TOTAL
        },
        key=lambda code: _name(space, code),
    )
    by_code = {
        (row["authority"], row["stage"]): row["median_days"]
        for row in (rows.iter_rows(named=True) if rows.height else [])
    }
    table = [
        {
            "name": _name(space, code),
            "cells": [_shown(by_code.get((code, stage.key))) for stage in STAGES],
        }
        for code in ([*codes, TOTAL] if codes else [])
    ]
    return render(
        request,
        "national/stages.html",
        _context(space, stages=STAGES, table=table),
    )


# Each published table that may be downloaded, with what its file's first line says.
DOWNLOADS: dict[str, str] = {
    "aims": "Each aim's counts and figures per authority",
    "bands": "Each aim's national percentage met by age band",
    "survival": "Kaplan-Meier median weeks per authority",
    "stages": "Median days in each stage per authority",
}


@requires(Capability.VIEW_NATIONAL)
@require_GET
def download(request: HttpRequest, name: str) -> HttpResponse:
    """A published table as CSV: hidden and withheld figures as "c", as on the pages."""
    if name not in DOWNLOADS:
        raise Http404("No such download")
    space = _today_workspace()
    rows = space.rows(name)
    if rows.height and "authority" in rows.columns:
        rows = rows.select(
            pl.col("authority")
            .replace_strict({**space.names, TOTAL: NATIONAL_LABEL}, default=pl.col("authority"))
            .alias("authority_name"),
            pl.all(),
        )
    text_rows = (
        rows.select(
            [
                pl.col(column).cast(pl.String).fill_null(SUPPRESSED_MARK)
                if column not in {"aim", "authority", "authority_name", "stage", "label", "band"}
                else pl.col(column)
                for column in rows.columns
            ]
        )
        if rows.height
        else rows
    )
    body = text_rows.write_csv() if text_rows.width else ""
    header = (
        f"# permanence national figures: {DOWNLOADS[name]}, as of "
        f"{space.reference_date.isoformat()}, children whose clock started from "
        f"{space.since.isoformat()}.\n# {SUPPRESSION_NOTE}\n"
    )
    response = HttpResponse(header + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="national-{name}-{space.reference_date.isoformat()}.csv"'
    )
    return response


@requires(Capability.MANAGE_SHARING)
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    """The signed-in administrator's authority: what it shares, the history, and a change."""
    user = request.user
    assert isinstance(user, User)
    authority = user.authority
    if authority is None:  # only an authority's administrator holds MANAGE_SHARING
        raise Http404("No authority")
    history = list(SharingDecision.objects.filter(authority=authority).select_related("decided_by"))
    current = history[0] if history else None
    if request.method == "POST":
        form = SharingForm(request.POST)
        if form.is_valid():
            chosen = form.chosen_sections()
            learning = form.cleaned_data["learning"]
            decide(
                authority,
                chosen,
                by=user,
                note=form.cleaned_data["note"],
                as_of=reference_date(timezone.localdate()),
                learning=learning,
            )
            messages.success(request, _saved_message(chosen=bool(chosen), learning=learning))
            return redirect("national-sharing")
    else:
        form = SharingForm(
            initial={
                "sections": [section.value for section in current.sections] if current else [],
                "learning": current is not None and current.learning,
            }
        )
    return render(
        request,
        "national/sharing.html",
        {"authority": authority, "current": current, "history": history, "form": form},
    )


def _saved_message(*, chosen: bool, learning: bool) -> str:
    if learning and not chosen:
        return (
            "Saved: your authority shares what it learns (change ideas and progress), "
            "and none of its figures."
        )
    if chosen:
        return "Saved: the national figures use your choice from now on."
    return (
        "Saved: your authority shares nothing. Its figures have left the national "
        "workspace and its snapshot is deleted."
    )


# ---- helpers --------------------------------------------------------------------------


def _row(aims: pl.DataFrame, aim_id: str, code: str) -> dict[str, Any] | None:
    if not aims.height:
        return None
    found = aims.filter((pl.col("aim") == aim_id) & (pl.col("authority") == code))
    return found.row(0, named=True) if found.height else None


def _percent_cell(row: dict[str, Any] | None) -> dict[str, str]:
    if row is None:
        return {"percent": "", "interval": ""}
    if row.get("percent") is None:
        return {"percent": SUPPRESSED_MARK, "interval": ""}
    return {
        "percent": f"{row['percent']}%",
        "interval": f"{row['percent_lower']}% to {row['percent_upper']}%",
    }


def _standardised_cells(row: dict[str, Any]) -> dict[str, str]:
    if row.get("ratio") is None:
        return {"expected": "", "ratio": "", "percent": ""}
    return {
        "expected": f"{row['expected']:.1f}",
        "ratio": f"{row['ratio']:.2f} ({row['ratio_lower']:.2f} to {row['ratio_upper']:.2f})",
        "percent": f"{row['standardised_percent']}% "
        f"({row['standardised_lower']}% to {row['standardised_upper']}%)",
    }
