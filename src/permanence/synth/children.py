"""The synthetic children: references, initials, birth dates, teams and first entry.

A child's date of birth is drawn backwards from the date their first care period begins
and their age then, so the age mix at entry is the one the model sets (many babies, about
45% of accommodated children under five) whatever the length of the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from permanence.synth import parameters as p
from permanence.synth.draws import Calendar, Days, Draws, Indices, anniversary

# Ages in days at the edges of each age band (under 1, 1-4, 5-11, 12-15, 16-17½).
_BAND_DAYS: tuple[tuple[int, int], ...] = (
    (1, 364),
    (366, 1825),
    (1827, 4382),
    (4384, 5843),
    (5845, 6390),
)


@dataclass(frozen=True, slots=True)
class Children:
    """Every synthetic child, in the order of their references."""

    table: pl.DataFrame
    birth: Days
    # The last day a child can be looked after: the day before their 18th birthday.
    last_day_in_care: Days
    sixteenth_birthday: Days
    team: Indices
    team_count: int
    first_start: Days

    @property
    def refs(self) -> pl.Series:
        return self.table.get_column("child_ref")


def team_count(children: int) -> int:
    """3 teams for a small authority up to 6 for the largest."""
    for below, count in p.TEAM_COUNT_BY_SIZE:
        if children < below:
            return count
    return p.TEAM_COUNT_LARGEST


def draw_children(draws: Draws, count: int, calendar: Calendar) -> Children:
    first_start = draws.days_between((calendar.history_start, calendar.end), count)
    birth = first_start - _age_at_entry(draws, count)
    teams = team_count(count)
    team = draws.choice(p.TEAM_WEIGHTS[:teams], count)
    references, reference_order = _references(draws, count)
    table = pl.DataFrame(
        {
            "child_ref": references,
            "initials": _initials(draws, count),
            "date_of_birth": pl.Series(birth.astype(np.int32)).cast(pl.Date),
            "sex": _coded(draws, p.SEX_CODES, p.SEX_SHARES, count),
            "ethnicity": _ethnicity(draws, count),
            "disability": _coded(draws, p.DISABILITY_CODES, p.DISABILITY_SHARES, count),
        }
    )
    # Children are listed in the order of their references, as an extract would be.
    order = reference_order
    return Children(
        table=table[order],
        birth=birth[order],
        last_day_in_care=anniversary(birth[order], 18) - 1,
        sixteenth_birthday=anniversary(birth[order], 16),
        team=team[order],
        team_count=teams,
        first_start=first_start[order],
    )


def _age_at_entry(draws: Draws, count: int) -> Days:
    band = draws.choice(p.AGE_SHARES_AT_ENTRY, count)
    low = np.array([bounds[0] for bounds in _BAND_DAYS], dtype=np.float64)[band]
    high = np.array([bounds[1] for bounds in _BAND_DAYS], dtype=np.float64)[band]
    newborn = (band == 0) & draws.chance(p.NEWBORN_SHARE_OF_BABIES, count)
    high = np.where(newborn, p.NEWBORN_MAX_AGE_DAYS, high)
    return np.floor(low + draws.rng.random(count) * (high - low + 1)).astype(np.int64)


def _references(draws: Draws, count: int) -> tuple[pl.Series, Indices]:
    """Unique references of 6 to 8 characters, many with leading zeros ("0041273").

    Numbers are drawn without replacement, and each number is printed at one width, so
    two children can never share a reference. Also returns the order that sorts the
    references as text, worked out from the digits rather than by sorting strings.
    """
    pool = min(max(count * p.REFERENCE_POOL_PER_CHILD, p.REFERENCE_POOL_MINIMUM), 10**7)
    numbers = draws.rng.choice(pool, size=count, replace=False).astype(np.int64)
    six = (numbers < 10**6) & draws.chance(p.REFERENCE_SIX_SHARE, count)
    eight = ~six & draws.chance(p.REFERENCE_EIGHT_SHARE, count)
    width = np.where(six, 6, np.where(eight, 8, 7))
    frame = pl.DataFrame({"number": numbers, "width": width})
    references = frame.select(
        pl.col("number").cast(pl.String).str.zfill(pl.col("width")).alias("child_ref")
    ).to_series()
    return references, np.argsort(_text_order_key(numbers, width))


def _text_order_key(numbers: Indices, width: Indices) -> Indices:
    """A number that sorts like the zero-padded text: each character is a base-11 digit,
    0 standing for "no character" so that "012" sorts before "0120"."""
    key = np.zeros(len(numbers), dtype=np.int64)
    for position in range(8):
        power = np.maximum(width - 1 - position, 0)
        digit = (numbers // 10**power) % 10 + 1
        key = key * 11 + np.where(position < width, digit, 0)
    return key


def _initials(draws: Draws, count: int) -> pl.Series:
    letters = pl.Series(list(p.INITIAL_LETTERS))
    first = letters.gather(draws.choice(p.INITIAL_WEIGHTS, count))
    second = letters.gather(draws.choice(p.INITIAL_WEIGHTS, count))
    return (first + second).alias("initials")


def _coded(
    draws: Draws, codes: tuple[str, ...], shares: tuple[float, ...], count: int
) -> pl.Series:
    return pl.Series(codes).gather(draws.choice(shares, count))


def _ethnicity(draws: Draws, count: int) -> pl.Series:
    drawn = pl.Series(p.ETHNICITIES).gather(draws.choice(p.ETHNICITY_SHARES, count))
    blank = pl.Series(draws.chance(p.ETHNICITY_NOT_RECORDED, count))
    return pl.select(pl.when(blank).then(pl.lit(None)).otherwise(drawn)).to_series()
