"""One table of words per milestone: every milestone has every word, and every layer reads
the table rather than a dictionary of its own."""

from __future__ import annotations

from dataclasses import fields

import pytest

from permanence.analysis.aims import END_CLOCKS, END_WORDS, START_CLOCKS, START_WORDS
from permanence.analysis.stages import STAGES
from permanence.analysis.survival_text import describe, group_name
from permanence.charts.words import cohort_title, end_words, heading, since
from permanence.journey.frame import FRAME_COLUMNS
from permanence.journey.vocabulary import MILESTONE_WORDS, MilestoneWords

#: Every milestone some layer speaks of: an aim's clocks, the stages, and leaving care.
SPOKEN = {*START_CLOCKS, *END_CLOCKS, *(stage.column for stage in STAGES), "period_end"}


def test_every_milestone_spoken_of_is_in_the_table():
    assert set(MILESTONE_WORDS) >= SPOKEN


@pytest.mark.parametrize("column", sorted(MILESTONE_WORDS))
def test_every_milestone_has_every_word(column):
    words = MILESTONE_WORDS[column]
    for field in fields(MilestoneWords):
        value = getattr(words, field.name)
        assert isinstance(value, str) and value.strip(), f"{column} has no {field.name}"
        assert value == value.strip() and "  " not in value
        assert "LAC" not in value.split()
    assert not words.heading[0].islower() and not words.cohort[0].islower()
    assert words.since.startswith("since ")
    # A milestone is a column of the journeys frame (Aim 1's Hearings are a list of them).
    assert column in FRAME_COLUMNS


@pytest.mark.parametrize("column", sorted(MILESTONE_WORDS))
def test_every_layer_reads_the_one_table(column):
    words = MILESTONE_WORDS[column]
    assert heading(column) == words.heading
    assert since(column) == words.since
    assert cohort_title(column) == words.cohort
    assert end_words(column) == words.noun
    assert group_name(column, "2023") == f"Children {words.who} in 2023"
    said = describe(
        {"n": 4, "days_to_half": None, "followed_days": 14, "stopped": 1},
        who="Children",
        end=column,
        stopped="period_end",
    )
    assert f"fewer than half {words.reached} by week 2" in said
    assert f"1 left care without {words.short}" in said
    if column in START_CLOCKS:
        assert START_WORDS[column] == words.who
    if column in END_CLOCKS:
        assert END_WORDS[column] == words.noun


def test_a_stage_is_named_by_the_milestone_that_ends_it():
    assert [stage.label for stage in STAGES] == [
        MILESTONE_WORDS[stage.column].heading for stage in STAGES
    ]


def test_the_mixed_order_column_says_it_holds_the_hearings_time_too():
    # Issue 13, finding 5: the court's time and the Children's Hearing's are apart. A local
    # aim may still stop at `order_date` (the first of either); the words it is chosen by
    # must not say "an order granted" as if the court's were the only time in it.
    mixed = MILESTONE_WORDS["order_date"]
    for said in (mixed.heading, mixed.who, mixed.noun, mixed.since, mixed.cohort):
        assert "court" in said.lower() and "hearing" in said.lower(), said
    court = MILESTONE_WORDS["court_order_date"]
    assert "hearing" not in court.noun.lower()
    # Offered side by side on the local aim form, the two read differently.
    assert len({END_WORDS[column] for column in END_CLOCKS}) == len(END_CLOCKS)
