"""Dates, numbers and milestones in the words the charts use.

Axis labels read "Mar 2023"; sentences read "March 2023"; tooltips and tables give the
day, "14 Mar 2023". Milestone names come from the journeys frame's columns so a chart of
any aim can say what its clock measures.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from permanence.journey.vocabulary import CareSetting, milestone_words, plural_expr, plural_word
from permanence.journey.vocabulary import plural as vocabulary_plural

AXIS_DATE_FORMAT: Final = "%b %Y"  # d3-time-format: "Mar 2023"
DAY_FORMAT: Final = "%-d %b %Y"  # polars (chrono): "14 Mar 2023"

# Short names for bar labels, where the full CareSetting label is too long.
SHORT_SETTINGS: Final[dict[str, str]] = {
    CareSetting.AT_HOME.value: "at home",
    CareSetting.KINSHIP.value: "kinship",
    CareSetting.FOSTER.value: "foster",
    CareSetting.PROSPECTIVE_ADOPTERS.value: "prospective adopters",
    CareSetting.RESIDENTIAL.value: "residential",
    CareSetting.OTHER.value: "other",
}
SETTING_NOT_RECORDED: Final = "Not recorded"

# "5 in foster care, 2 at home with parents".
SETTING_PHRASES: Final[dict[str, str]] = {
    CareSetting.AT_HOME.value: "at home with parents",
    CareSetting.KINSHIP.value: "in kinship care",
    CareSetting.FOSTER.value: "in foster care",
    CareSetting.PROSPECTIVE_ADOPTERS.value: "with prospective adopters",
    CareSetting.RESIDENTIAL.value: "in residential care",
    CareSetting.OTHER.value: "in another community setting",
}
SETTING_NOT_RECORDED_PHRASE: Final = "with where they live not recorded"


# What a milestone is called is written once, in the journey vocabulary's table
# (``MILESTONE_WORDS``); these read it, with a plain fallback for any other column.


def heading(column: str) -> str:
    """A frame column's name for people: "Date accommodated"."""
    words = milestone_words(column)
    return words.heading if words else column.replace("_", " ").capitalize()


def since(column: str) -> str:
    """ "since being accommodated"."""
    words = milestone_words(column)
    return words.since if words else f"since the {_plain(column)}"


def cohort_title(column: str) -> str:
    """ "Accommodated in" (2023)."""
    words = milestone_words(column)
    return words.cohort if words else "Clock started in"


def end_words(column: str) -> str:
    """What a child waits for: "a permanence recommendation"."""
    words = milestone_words(column)
    return words.noun if words else f"a {_plain(column)}"


def _plain(column: str) -> str:
    return column.removesuffix("_date").replace("_", " ")


def the(words: str) -> str:
    """ "a permanence recommendation" -> "the permanence recommendation"."""
    for article in ("a ", "an "):
        if words.startswith(article):
            return "the " + words[len(article) :]
    return words if words.startswith("the ") else f"the {words}"


def month_year(day: date) -> str:
    """ "March 2023"."""
    return f"{day:%B} {day.year}"


def short_month_year(day: date) -> str:
    """ "Mar 2023"."""
    return f"{day:%b} {day.year}"


def day_text(day: date) -> str:
    """ "14 Mar 2023"."""
    return f"{day.day} {day:%b} {day.year}"


def number(value: float, *, digits: int = 1) -> str:
    """A figure as people write it: whole numbers without a decimal point."""
    rounded = round(value, digits)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.{digits}f}"


def weeks(value: float) -> str:
    """ "52 weeks", "1 week", "30.5 weeks"."""
    text = number(value)
    return f"{text} {plural_word(float(text.replace(',', '')), 'week')}"


def weeks_expr(value: pl.Expr, *, digits: int = 1) -> pl.Expr:
    """``weeks`` over a column, rounded to ``digits``: "1 week", "30.5 weeks"."""
    rounded = value.round(digits)
    whole = rounded == rounded.floor()
    text = (
        pl.when(whole)
        .then(rounded.cast(pl.Int64).cast(pl.String))
        .otherwise(rounded.cast(pl.String))
    )
    return plural_expr(rounded, "week", text=text)


def percent(value: float) -> str:
    return f"{number(value, digits=0)}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 child", "3 children": the one rule (``journey.vocabulary.plural``)."""
    return vocabulary_plural(count, singular, plural_form)


def children(count: int) -> str:
    return plural(count, "child", "children")


def join_words(words: list[str]) -> str:
    """ "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def wrap(text: str, width: int) -> list[str]:
    """Text broken into lines of at most ``width`` characters, at spaces.

    Vega does not wrap text, so long subtitles are broken here. ``width`` is chosen for
    the narrowest column the page gives a chart.
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines
