"""What the synthetic authority's planning meetings achieved: the agenda checklist of
each 72-hour and two-week meeting held (``agenda_items``) and the actions the team
leader logged (``meeting_actions``), as an extract from a system that records them
brings them (docs/data-format.md).

Drawn after the journeys from their own random stream (the seed and a fixed salt), so
nothing else a seed gives changes. The variation is what PACE areas saw, and it gets
better as the improvement work spreads (the ramp of ``plans``): many meetings have no
checklist recorded; items are not done (permanence seldom discussed with parents and
review dates seldom all set before the work), some do not apply (with the reason), a
few are never answered; actions are often not logged at all, and of those logged some
are done by their due date, some late and some still open. Every array is drawn at
once (numpy), so a million children take a moment. docs/synthetic-data.md gives the
shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import polars as pl

from permanence.journey.agendas import (
    AGENDA_2WK,
    AGENDA_72H,
    PERMANENCE_DISCUSSED,
    REVIEW_DATES_SET,
)
from permanence.journey.tables import MEETING_OF_ROW, conform
from permanence.journey.vocabulary import AgendaAnswer

SALT = 29
"""Mixed into the seed for this module's own random stream."""

CHECKLIST_RECORDED = (0.1, 0.8)
"""The chance a meeting's checklist is recorded: the first figure before the work, the
second added as the ramp reaches 1. The agenda as a checklist is one of the work's
change ideas, so few meetings before it have one."""
ITEM_DONE = (0.6, 0.35)
"""The chance an item (that applies) is done, as ``CHECKLIST_RECORDED``."""
HARDER_ITEMS = {PERMANENCE_DISCUSSED: (0.35, 0.55), REVIEW_DATES_SET: (0.25, 0.65)}
"""The items the 2021 study found most often missed, with their own chances."""
NOT_ANSWERED = 0.04
"""The share of a recorded checklist's items left without an answer (not recorded)."""
NOT_APPLICABLE: dict[str, tuple[float, str]] = {
    "childs_views": (0.12, "The child is too young to give views"),
    "leaflet_offered": (0.08, "The parents did not come to the meeting"),
    "reporter_referral": (0.15, "Already referred to the Reporter by the police"),
    "legal_advice_set": (0.05, "The child is expected to go home within weeks"),
    "family_time": (0.04, "No family time: a court order prevents contact"),
}
"""Items that sometimes do not apply: the chance, and the reason given."""

ACTIONS_LOGGED = (0.2, 0.7)
"""The chance a meeting's actions are logged at all, as ``CHECKLIST_RECORDED``."""
ACTIONS = (
    "Book the parenting capacity assessment",
    "Ask legal services for advice in writing",
    "Arrange family time with parents and brothers and sisters",
    "Tell the school and the health visitor",
    "Set the date of every Looked After Child review",
    "Refer to family group decision making",
    "Send the parents the leaflet about what happens next",
)
OWNERS = ("social worker", "team leader", "legal services", "health", "education")
ON_TIME = (0.45, 0.4)
"""Of actions logged, the chance one is done by its due date, as above."""
LATE = 0.6
"""Of the rest, the chance one is done late (the others are still open)."""


def meeting_details(
    meetings: pl.DataFrame, seed: int, ramp: np.ndarray, end: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The agenda items and actions of the planning meetings of ``meetings`` (the rows
    held), ``ramp`` being each meeting's stage of the improvement work (0 to 1). Rows
    come in the meetings' own order, each meeting's items in its agenda's."""
    rng = np.random.default_rng([seed, SALT])
    kinds = meetings["meeting_kind"]
    planning = (
        kinds.is_in([AGENDA_72H.kind, AGENDA_2WK.kind]) & meetings["held_date"].is_not_null()
    ).to_numpy()
    held = np.flatnonzero(planning)
    is_2wk = (kinds == AGENDA_2WK.kind).to_numpy()[held]
    items = _checklists(meetings, held, is_2wk, ramp[held], rng)
    actions = _actions(meetings, held, ramp[held], rng, end)
    return conform("agenda_items", items), conform("meeting_actions", actions)


def _share(pair: tuple[float, float], ramp: np.ndarray) -> np.ndarray:
    return pair[0] + pair[1] * ramp


def _strings(values: Sequence[str | None], index: np.ndarray) -> pl.Series:
    """``values`` picked by ``index``: a gather in polars, not a column of objects."""
    return pl.Series(list(values), dtype=pl.String).gather(pl.Series(index, dtype=pl.UInt32))


def _checklists(
    meetings: pl.DataFrame,
    held: np.ndarray,
    is_2wk: np.ndarray,
    ramp: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    # Both agendas' items in one list: the 72-hour meeting's first, then the two-week's.
    keys = [item.key for item in AGENDA_72H.items] + [item.key for item in AGENDA_2WK.items]
    first_key = np.where(is_2wk, len(AGENDA_72H.items), 0)
    length = np.where(is_2wk, len(AGENDA_2WK.items), len(AGENDA_72H.items))
    recorded = rng.random(held.size) < _share(CHECKLIST_RECORDED, ramp)
    counts = np.where(recorded, length, 0)
    which = np.repeat(np.arange(held.size), counts)
    nth = np.arange(which.size) - np.repeat(np.cumsum(counts) - counts, counts)
    key_of = first_key[which] + nth
    row_ramp = ramp[which]
    done_chance = _share(ITEM_DONE, row_ramp)
    not_applicable = np.zeros(which.size)
    for number, key in enumerate(keys):
        if key in HARDER_ITEMS or key in NOT_APPLICABLE:
            on_item = key_of == number
            if key in HARDER_ITEMS:
                done_chance[on_item] = _share(HARDER_ITEMS[key], row_ramp[on_item])
            if key in NOT_APPLICABLE:
                not_applicable[on_item] = NOT_APPLICABLE[key][0]
    draw = rng.random(which.size)
    answer = np.where(
        draw < not_applicable,
        2,
        np.where(draw < not_applicable + (1 - not_applicable) * done_chance, 0, 1),
    )
    kept = rng.random(which.size) >= NOT_ANSWERED
    which, key_of, answer = which[kept], key_of[kept], answer[kept]
    codes = [
        AgendaAnswer.DONE.value,
        AgendaAnswer.NOT_DONE.value,
        AgendaAnswer.NOT_APPLICABLE.value,
    ]
    reasons = [NOT_APPLICABLE[key][1] if key in NOT_APPLICABLE else None for key in keys]
    # Each item's reason where it does not apply; the last entry is blank.
    reason_of = np.where(answer == 2, key_of, len(keys))
    return meetings.select(MEETING_OF_ROW)[held[which]].with_columns(
        _strings(keys, key_of).alias("item"),
        _strings(codes, answer).alias("answer"),
        _strings([*reasons, None], reason_of).alias("reason"),
    )


def _actions(
    meetings: pl.DataFrame,
    held: np.ndarray,
    ramp: np.ndarray,
    rng: np.random.Generator,
    end: date,
) -> pl.DataFrame:
    size = held.size
    logged = rng.random(size) < _share(ACTIONS_LOGGED, ramp)
    counts = np.where(logged, rng.integers(1, 4, size), 0)
    which = np.repeat(np.arange(size), counts)
    # Distinct actions at one meeting: consecutive ones from a place of its own.
    first = rng.integers(0, len(ACTIONS), size)
    nth = np.arange(which.size) - np.repeat(np.cumsum(counts) - counts, counts)
    what = (first[which] + nth) % len(ACTIONS)
    owner = rng.integers(0, len(OWNERS), which.size)
    allowed = rng.integers(3, 43, which.size)
    on_time = rng.random(which.size) < _share(ON_TIME, ramp[which])
    late = ~on_time & (rng.random(which.size) < LATE)
    early_by = np.floor(rng.random(which.size) * (allowed + 1)).astype(np.int64)
    late_by = rng.integers(1, 36, which.size)
    done_after = np.where(on_time, allowed - early_by, allowed + late_by)
    rows = meetings.select(MEETING_OF_ROW)[held[which]]
    due = pl.col("held_date") + pl.duration(days=pl.lit(pl.Series(allowed)))
    done = pl.col("held_date") + pl.duration(days=pl.lit(pl.Series(done_after)))
    return rows.with_columns(
        _strings(ACTIONS, what).alias("action"),
        _strings(OWNERS, owner).alias("owner"),
        due.alias("due_date"),
        # Not done yet, or done after the extract's day: open.
        pl.when(pl.Series(on_time | late) & (done <= pl.lit(end))).then(done).alias("done_date"),
    )
