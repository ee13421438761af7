"""The milestone return's own format checks: its headings and codes are what
docs/milestone-return.md says (the docs' table and code lists are generated from the
format and must be current), and a wrong heading or an unknown code is refused with a
message a person can act on."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from permanence.ingest.docs import render
from permanence.journey.frame import build_journeys_frame
from permanence.journey.vocabulary import AgeBand, OrderType, Route
from permanence.reports.milestone_return import COLUMN_NAMES, validate_return
from permanence.reports.milestone_return_docs import GENERATORS

from .test_milestone_return import YEAR, YEAR_END, _tables, _valid

DOC = Path(__file__).resolve().parents[3] / "docs" / "milestone-return.md"


@pytest.fixture
def frame() -> pl.DataFrame:
    return build_journeys_frame(_tables(), YEAR_END, authority="FIF")


def _problems(rows: pl.DataFrame) -> dict[str, tuple[str, tuple[int, ...]]]:
    found = validate_return(rows, authority="FIF", year=YEAR, as_of=YEAR_END)
    return {problem.rule: (problem.message, problem.rows) for problem in found}


def test_the_docs_column_table_and_codes_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render(text, GENERATORS) == text, (
        "run: python -m permanence.reports.milestone_return_docs"
    )


def test_the_docs_list_the_columns_in_order_and_every_code() -> None:
    """Read back from the page as a person reads it, not from the generator."""
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("<!-- generated:return-columns -->") :]
    table = table[: table.index("<!-- end generated:return-columns -->")]
    assert re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE) == list(COLUMN_NAMES)
    codes = text[text.index("<!-- generated:return-codes -->") :]
    codes = codes[: codes.index("<!-- end generated:return-codes -->")]
    for vocabulary in (Route, OrderType, AgeBand):
        section = codes[codes.index(f"#### {vocabulary.__name__}\n") :]
        section = section[: section.find("\n#### ", 1) if "\n#### " in section[1:] else None]
        listed = re.findall(r"^\| `([\w]+)` \| ", section, re.MULTILINE)
        assert sorted(listed) == sorted(vocabulary.codes()), vocabulary.__name__


def test_wrong_headings_are_named_with_what_they_probably_are(frame: pl.DataFrame) -> None:
    rows = _valid(frame).rename(
        {"child_id": "child_ref", "recommendation_route": "recommended_route"}
    )
    problems = _problems(rows)
    message, _ = problems["columns"]
    assert message.startswith(
        "the headings are not the format's (child_id is missing; recommendation_route is "
        'missing (did you mean "recommended_route"?); not in the format: "child_ref"). '
        "Found: return_version, authority, collection_year, child_ref, "
    )
    assert message.endswith("Expected, in this order: " + ", ".join(COLUMN_NAMES))
    # child_ref would name a child: refused for that too. Rows are not read at all.
    assert set(problems) == {"columns", "identifying"}


def test_a_heading_that_is_nothing_like_a_missing_one_is_not_guessed(
    frame: pl.DataFrame,
) -> None:
    rows = _valid(frame).rename({"order_type": "colour"})
    message, _ = _problems(rows)["columns"]
    assert '(order_type is missing; not in the format: "colour")' in message


def test_columns_out_of_order_say_where(frame: pl.DataFrame) -> None:
    rows = _valid(frame)
    swapped = [*COLUMN_NAMES]
    swapped[3], swapped[4] = swapped[4], swapped[3]  # child_id and period_number
    message, _ = _problems(rows.select(swapped))["columns"]
    assert "in the wrong order: column 4 is period_number, where the format has child_id" in (
        message
    )


def test_unknown_codes_name_the_values_the_rows_and_the_codes_allowed(
    frame: pl.DataFrame,
) -> None:
    rows = _valid(frame).with_row_index("_n", offset=1)
    routed = rows.filter(pl.col("recommendation_route").is_not_null()).get_column("_n")
    assert routed.len() >= 1
    first = routed[0]
    broken = rows.with_columns(
        pl.when(pl.col("_n") == first)
        .then(pl.lit("foster"))
        .otherwise(pl.col("recommendation_route"))
        .alias("recommendation_route"),
        pl.when(pl.col("_n") == 1)
        .then(pl.lit("Adoption "))
        .otherwise(pl.col("order_type"))
        .alias("order_type"),
    ).drop("_n")
    problems = _problems(broken)
    message, where = problems["code:recommendation_route"]
    allowed = ", ".join(sorted(Route.codes()))
    assert message == (
        'recommendation_route holds a code not in Route: "foster". It must be blank or one '
        f"of: {allowed}"
    )
    assert where == (first,)
    message, where = problems["code:order_type"]
    assert '"Adoption " (did you mean adoption?)' in message and where == (1,)
    assert "code:order_sought" not in problems


def test_the_docs_example_messages_are_what_the_checks_say(frame: pl.DataFrame) -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert (
        "code:recommendation_route: recommendation_route holds a code not in Route: "
        '"foster". It must be blank or one of: ' + ", ".join(sorted(Route.codes()))
    ) in text
    assert (
        "columns: the headings are not the format's (child_id is missing; recommendation_route "
        'is missing (did you mean "recommended_route"?); not in the format: "child_ref").'
    ) in text
