"""The process measures on the summary page, judged by the authority's review policy.

The planner plans each child's 72-hour and local planning meetings by the policy version
in force on the day the child was accommodated (``PolicyHistory.in_force_on``), so the
measures judge them the same way: the children accommodated while a version was in force
are held to that version's time limit. Children accommodated while no version with a
local planning meeting was in force are not counted for it (no meeting was asked of
them), and where no version in force has ever had one, the measure is left out.

Versions that have not yet taken effect are not read: nobody has been held to them.

Reviews are judged against the due dates the planner set from the policy, the dates the
due and overdue lists show, so the page's figures and its lists never disagree about
whether a review was late. The summary page and the improvement record's process
measures both take their figures from ``process_measures``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import polars as pl
from django.db.models import F, Q

from permanence.analysis.periods import long_date
from permanence.analysis.process_measures import (
    MEASURE_COLUMNS,
    planning_72h_in_time,
    planning_meeting_in_time,
    review_items_in_time,
)
from permanence.analysis.schedule import (
    STATUTORY_POLICY,
    PlannedKind,
    PlanStatus,
    PolicyHistory,
    ReviewPolicy,
)
from permanence.web.planning.models import PlannedMeeting, policy_history

# The columns the meeting measures read: the frame is narrowed to them before it is cut
# by policy, so each cut copies five columns, not the whole frame.
_MEETING_COLUMNS = (
    "accommodated_date",
    "planning_72h_date",
    "planning_2wk_date",
    "period_end",
    "as_of",
)
_NOBODY = pl.DataFrame(
    schema={
        "month": pl.Date,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "percentage": pl.Float64,
    }
)
_ONE_POLICY_EACH = " Each child is held to the policy in force on the day they were accommodated."


class MeetingMeasure(Protocol):
    """``planning_72h_in_time`` or ``planning_meeting_in_time``."""

    def __call__(
        self, frame: pl.DataFrame, *, within_days: int, since: date | None
    ) -> pl.DataFrame: ...


@dataclass(frozen=True)
class Measure:
    """One process measure as the summary page shows it."""

    title: str
    table: pl.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Stretch:
    """The days over which one policy was in force: from ``first`` (None: the statutory
    minimum, before any version) up to the day before ``until`` (None: still in force)."""

    policy: ReviewPolicy
    first: date | None
    until: date | None


def stretches(history: PolicyHistory, today: date) -> list[Stretch]:
    """The statutory minimum, then each version that has taken effect by ``today``."""
    started = [version for version in history.versions if version.effective_from <= today]
    firsts = [version.effective_from for version in started]
    untils: list[date | None] = [*firsts, None]
    statute = Stretch(STATUTORY_POLICY, None, untils[0])
    return [
        statute,
        *(
            Stretch(version, first, until)
            for version, first, until in zip(started, firsts, untils[1:], strict=True)
        ),
    ]


REVIEWS_TITLE = "Looked After Child reviews held by their due date"
REVIEWS_NOTE = (
    "Each review is judged against the due date the review policy sets, as on the due "
    "lists. A review no longer needed (the child went home) counts only if it was already "
    "overdue."
)
_REVIEW_SCHEMA = {"due_date": pl.Date, "held_date": pl.Date}


def authority_process_measures(
    authority_id: int, frame: pl.DataFrame, today: date
) -> dict[str, Measure]:
    """``process_measures`` for one authority, its policy and its planned reviews read from
    the database (in the current scope)."""
    return process_measures(
        frame, policy_history(authority_id), today, planned_reviews=planned_reviews(today)
    )


def process_measures(
    frame: pl.DataFrame, history: PolicyHistory, today: date, *, planned_reviews: pl.DataFrame
) -> dict[str, Measure]:
    """The 72-hour meeting, the local planning meeting (when the policy has one) and the
    reviews, each per month, keyed as ``analysis.process_measures`` keys them.

    ``planned_reviews`` holds the reviews' ``due_date`` and ``held_date`` as the planner
    set them (``planned_reviews``)."""
    spans = stretches(history, today)
    planning = _planning_meeting(frame, spans)
    reviews = Measure(REVIEWS_TITLE, review_items_in_time(planned_reviews, today), REVIEWS_NOTE)
    return {
        "planning_72h": _planning_72h(frame, spans),
        **({"planning_meeting": planning} if planning is not None else {}),
        "reviews": reviews,
    }


def planned_reviews(today: date) -> pl.DataFrame:
    """The Looked After Child reviews the planner set, due by ``today``, as a table.

    A review closed before it fell due (the child went home first) was never missed and
    is left out; one closed after its due date, never held, was missed and counts."""
    closed_in_time = Q(status=PlanStatus.CLOSED.value) & (
        Q(closed_date__isnull=True) | Q(closed_date__lte=F("due_date"))
    )
    rows = (
        PlannedMeeting.objects.filter(kind=PlannedKind.REVIEW.value, due_date__lte=today)
        .exclude(closed_in_time)
        .values_list("due_date", "held_date")
    )
    return pl.DataFrame(list(rows), schema=_REVIEW_SCHEMA, orient="row")


def _planning_72h(frame: pl.DataFrame, spans: Sequence[Stretch]) -> Measure:
    days = sorted({span.policy.planning_72h_days for span in spans})
    statute = [STATUTORY_POLICY.planning_72h_days]
    within = "72 hours" if days == statute else _days_text(days)
    return Measure(
        f"72-hour planning meetings held within {within} of accommodation",
        _by_policy(frame, spans, planning_72h_in_time, lambda policy: policy.planning_72h_days),
        _ONE_POLICY_EACH.strip() if len(days) > 1 else "",
    )


def _planning_meeting(frame: pl.DataFrame, spans: Sequence[Stretch]) -> Measure | None:
    with_meeting = [span for span in spans if span.policy.planning_meeting_weeks is not None]
    if not with_meeting:
        return None
    table = _by_policy(frame, spans, planning_meeting_in_time, _meeting_days)
    weeks = sorted({span.policy.planning_meeting_weeks or 0 for span in with_meeting})
    named = " or ".join(f"{week}-week" for week in weeks)
    title = (
        f"{named} planning meetings held within "
        f"{_days_text([week * 7 for week in weeks])} of accommodation"
    )
    began = with_meeting[0].first
    note = (
        f"Counted from {long_date(began)}, when the local planning meeting began."
        if began is not None
        else ""
    )
    if len(weeks) > 1:
        note += _ONE_POLICY_EACH
    return Measure(title, table, note.strip())


def _meeting_days(policy: ReviewPolicy) -> int | None:
    weeks = policy.planning_meeting_weeks
    return None if weeks is None else weeks * 7


def _days_text(days: Sequence[int]) -> str:
    return " or ".join(str(day) for day in days) + (" day" if days == [1] else " days")


def _by_policy(
    frame: pl.DataFrame,
    spans: Sequence[Stretch],
    measure: MeetingMeasure,
    limit: Callable[[ReviewPolicy], int | None],
) -> pl.DataFrame:
    """The measure with each child held to the time limit of the policy in force when
    they were accommodated (nobody counted where no policy sets a limit)."""
    cut = len(spans) > 1
    narrow = frame.select(_MEETING_COLUMNS) if cut else frame
    parts = []
    for span in spans:
        days = limit(span.policy)
        if days is None:
            continue
        rows = narrow
        if cut and span.until is not None:
            rows = narrow.filter(pl.col("accommodated_date") < span.until)
        parts.append(measure(rows, within_days=days, since=span.first))
    if len(parts) == 1:
        return parts[0]
    return _merge(parts) if parts else _NOBODY


def _merge(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Months from several policies' parts added together (a month a policy changed in
    holds children of both)."""
    return (
        pl.concat(parts)
        .group_by("month")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .with_columns((100.0 * pl.col("numerator") / pl.col("denominator")).alias("percentage"))
        .sort("month")
        .select(MEASURE_COLUMNS)
    )
