"""Filters read from the address: every value checked, the unknown ignored with a message,
never an error; the address written back gives the same filters."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.periods import Granularity
from permanence.journey.vocabulary import AgeBand, PlacementType, Route
from permanence.pages.filter_form import form_fields
from permanence.pages.filters import (
    ALL_PERIODS,
    ROLLING,
    Filters,
    filter_rows,
    parse_filters,
    period_window,
    within_period,
)

AS_OF = date(2026, 9, 30)
TEAMS = ("North", "South")


def parse(**params: str | list[str]) -> tuple[Filters, tuple[str, ...]]:
    lists = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    parsed = parse_filters(lists, teams=TEAMS, as_of=AS_OF)
    return parsed.filters, parsed.problems


def test_no_parameters_mean_everyone() -> None:
    assert parse() == (Filters(), ())
    assert not Filters().narrowed
    assert Filters().query() == ""


def test_known_values_are_used() -> None:
    filters, problems = parse(
        period="2024-Q2", per="quarter", team="North", age="1_4", placement="kinship", route="po"
    )
    assert problems == ()
    assert filters == Filters("2024-Q2", Granularity.QUARTER, "North", "1_4", "kinship", "po")
    assert filters.narrowed
    assert filters.query() == (
        "period=2024-Q2&per=quarter&team=North&age=1_4&placement=kinship&route=po"
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"team": "Bravo Locality Team"}, "no team called “Bravo Locality Team”"),
        ({"age": "toddlers"}, "“toddlers” is not a age band"),
        ({"placement": "castle"}, "“castle” is not a placement type"),
        ({"route": "elsewhere"}, "“elsewhere” is not a route"),
        ({"period": "1066"}, "The period “1066” is not one we know"),
        ({"period": "2024-Q5"}, "The period “2024-Q5”"),
        ({"period": "last-100-years"}, "“last-100-years”"),
        ({"per": "fortnight"}, "cannot be cut by “fortnight”"),
        ({"colour": "blue"}, "settings we do not know (“colour”)"),
        ({"team": ["North", "South"]}, "Only one team can be chosen"),
    ],
)
def test_unknown_values_are_ignored_and_named(params: dict[str, str], words: str) -> None:
    filters, problems = parse(**params)
    assert any(words in problem for problem in problems), problems
    if "team" in params and isinstance(params["team"], list):
        assert filters.team == "North"  # the first is used
    else:
        assert filters == Filters()


def test_a_long_or_strange_value_is_shortened_when_repeated_back() -> None:
    _, problems = parse(team="x" * 500 + "\n<script>")
    assert len(problems[0]) < 150
    assert "\n" not in problems[0]


def test_the_page_parameter_is_not_a_filter() -> None:
    assert parse(page="3") == (Filters(), ())


names = st.sampled_from(["period", "per", "team", "age", "placement", "route", "page", "zz"])
values = st.text(max_size=30) | st.sampled_from(
    ["2024", "2024-Q3", "last-3-years", "quarter", "North", "1_4", "kinship", "adoption"]
)


@given(st.dictionaries(names, st.lists(values, max_size=3), max_size=8))
def test_any_address_gives_usable_filters_and_never_raises(params: dict[str, list[str]]) -> None:
    filters = parse_filters(params, teams=TEAMS, as_of=AS_OF).filters
    assert filters.team in {None, *TEAMS}
    assert filters.age in {None, *AgeBand.codes()}
    assert filters.placement in {None, *PlacementType.codes()}
    assert filters.route in {None, *Route.codes()}
    assert filters.period == ALL_PERIODS or period_window(filters.period, AS_OF) is not None


filter_values = st.builds(
    Filters,
    period=st.sampled_from([ALL_PERIODS, *ROLLING, "2019", "2023-Q4"]),
    per=st.sampled_from(list(Granularity)),
    team=st.sampled_from([None, *TEAMS]),
    age=st.sampled_from([None, *sorted(AgeBand.codes())]),
    placement=st.sampled_from([None, *sorted(PlacementType.codes())]),
    route=st.sampled_from([None, *sorted(Route.codes())]),
)


@given(filter_values)
def test_the_address_written_back_reads_as_the_same_filters(filters: Filters) -> None:
    from urllib.parse import parse_qs

    params = parse_qs(filters.query(), keep_blank_values=True)
    parsed = parse_filters(params, teams=TEAMS, as_of=AS_OF)
    assert parsed.problems == ()
    assert parsed.filters == filters


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("last-1-year", date(2025, 10, 1), AS_OF),
        ("last-3-years", date(2023, 10, 1), AS_OF),
    ],
)
def test_periods_cover_the_days_a_person_would_count(period: str, first: date, last: date) -> None:
    assert period_window(period, AS_OF) == (first, last)


def test_a_rolling_year_from_the_29th_of_february() -> None:
    assert period_window("last-1-year", date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))


def test_all_periods_has_no_window() -> None:
    assert period_window(ALL_PERIODS, AS_OF) is None


rows = st.lists(
    st.fixed_dictionaries(
        {
            "team": st.sampled_from([None, *TEAMS]),
            "age_band_at_accommodation": st.sampled_from([None, "under_1", "1_4"]),
            "current_placement_type": st.sampled_from([None, "kinship", "foster_la"]),
            "recommendation_route": st.sampled_from([None, "po", "adoption"]),
            "accommodated_date": st.dates(date(2018, 1, 1), AS_OF) | st.none(),
        }
    ),
    max_size=40,
)


@given(rows, filter_values)
def test_the_filters_keep_exactly_the_rows_a_person_would(
    table: list[dict[str, object]], filters: Filters
) -> None:
    frame = pl.DataFrame(
        table,
        schema={
            "team": pl.String,
            "age_band_at_accommodation": pl.String,
            "current_placement_type": pl.String,
            "recommendation_route": pl.String,
            "accommodated_date": pl.Date,
        },
    )
    kept = within_period(filter_rows(frame, filters), "accommodated_date", filters, AS_OF)
    window = period_window(filters.period, AS_OF)

    def wanted(row: dict[str, object]) -> bool:
        day = row["accommodated_date"]
        return (
            (filters.team is None or row["team"] == filters.team)
            and (filters.age is None or row["age_band_at_accommodation"] == filters.age)
            and (filters.placement is None or row["current_placement_type"] == filters.placement)
            and (filters.route is None or row["recommendation_route"] == filters.route)
            and (window is None or (isinstance(day, date) and window[0] <= day <= window[1]))
        )

    assert kept.height == sum(1 for row in table if wanted(row))


def test_the_form_selects_the_current_values_and_offers_everyone_first() -> None:
    from permanence.pages.filters import Choice

    fields = form_fields(
        {"team": [Choice("North", "North"), Choice("South", "South")]},
        Filters(team="South", period="2023-Q4"),
    )
    team = next(field for field in fields if field.name == "team")
    assert [option.label for option in team.options] == ["Every team", "North", "South"]
    assert [option.value for option in team.options if option.selected] == ["South"]
    period = next(field for field in fields if field.name == "period")
    assert [o.label for o in period.options if o.selected] == ["October to December 2023"]
