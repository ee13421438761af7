"""``make_messy``: every kind of problem is there, in a small seeded share, and nothing else.

The last test undoes the problems with independent, plain rules (trim, lower case, read
the three date forms) and finds the clean data again: the mess is on the surface, as in a
real extract, not in the children's journeys.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.journey.vocabulary import (
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    PlacementType,
)
from permanence.synth.messy import PROBLEMS, make_messy

from .conftest import authority

SEED = 21
ISO = r"^\d{4}-\d{2}-\d{2}$"
UK = r"^\d{2}/\d{2}/\d{4}$"
SERIAL = r"^\d{5}$"


@pytest.fixture(scope="module")
def clean() -> JourneyTables:
    return authority(3_000, 8)


@pytest.fixture(scope="module")
def messy(clean: JourneyTables) -> dict[str, pl.DataFrame]:
    return make_messy(clean, SEED)


def read_date(column: str) -> pl.Expr:
    """Dates in any of the three forms, read without the generator's help."""
    text = pl.col(column).str.strip_chars()
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%d/%m/%Y", strict=False),
        pl.when(text.str.contains(SERIAL))
        .then(pl.date(1899, 12, 30) + pl.duration(days=text.cast(pl.Int64, strict=False)))
        .cast(pl.Date),
    ).alias(column)


def test_every_table_is_there_as_text(messy: dict[str, pl.DataFrame]) -> None:
    assert list(messy) == list(SCHEMAS)
    for name, frame in messy.items():
        assert all(dtype == pl.String for dtype in frame.dtypes), name
        assert set(SCHEMAS[name]) <= set(frame.columns)
    assert "date_of_birth" in messy["care_periods"].columns


def test_the_same_seed_gives_the_same_mess(clean: JourneyTables) -> None:
    first, second = make_messy(clean, SEED), make_messy(clean, SEED)
    assert all(first[name].equals(second[name]) for name in first)
    other = make_messy(clean, SEED + 1)
    assert not all(first[name].equals(other[name]) for name in first)


def test_the_clean_tables_are_left_alone(clean: JourneyTables) -> None:
    before = {name: frame.clone() for name, frame in clean.items()}
    make_messy(clean, SEED)
    assert all(frame.equals(before[name]) for name, frame in clean.items())


def test_every_kind_of_problem_is_documented() -> None:
    documented = (Path(__file__).parents[3] / "docs" / "synthetic-data.md").read_text("utf-8")
    for problem in PROBLEMS:
        assert f"`{problem.name}`" in documented, problem.name
        assert 0 < problem.share <= 0.1


def test_dates_come_in_three_forms_mostly_iso(messy: dict[str, pl.DataFrame]) -> None:
    held = messy["meetings"].get_column("held_date").drop_nulls()
    iso, uk, serial = (held.str.contains(pattern).mean() for pattern in (ISO, UK, SERIAL))
    assert iso > 0.85  # type: ignore[operator]
    assert 0.04 < uk < 0.12  # type: ignore[operator]
    assert 0.005 < serial < 0.04  # type: ignore[operator]


def test_some_dates_are_missing(clean: JourneyTables, messy: dict[str, pl.DataFrame]) -> None:
    missing = messy["milestones"].get_column("date").null_count()
    assert clean.milestones.get_column("date").null_count() == 0
    assert 0 < missing < 0.02 * clean.milestones.height


def test_some_agency_decisions_come_before_the_recommendation(
    messy: dict[str, pl.DataFrame],
) -> None:
    milestones = messy["milestones"].with_columns(
        pl.col("milestone").str.strip_chars().str.to_lowercase(), read_date("date")
    )
    key = ["child_ref", "period_start"]
    recommended = (
        milestones.filter(pl.col("milestone") == "permanence_recommendation")
        .group_by(key)
        .agg(pl.col("date").min().alias("recommended"))
    )
    early = milestones.filter(pl.col("milestone") == "adm_decision").join(recommended, on=key)
    too_early = early.filter(pl.col("date") < pl.col("recommended"))
    assert 0 < too_early.height < 0.05 * early.height


def test_some_placements_end_before_they_start(messy: dict[str, pl.DataFrame]) -> None:
    placements = messy["placements"].with_columns(read_date("start_date"), read_date("end_date"))
    backwards = placements.filter(pl.col("end_date") < pl.col("start_date"))
    assert 0 < backwards.height < 0.03 * placements.height


def test_some_rows_are_exact_duplicates(messy: dict[str, pl.DataFrame]) -> None:
    for name in ("care_periods", "placements", "legal_statuses", "meetings", "milestones"):
        frame = messy[name]
        repeated = frame.is_duplicated().sum()
        assert 0 < repeated < 0.03 * frame.height, name


def test_some_values_have_stray_spaces(messy: dict[str, pl.DataFrame]) -> None:
    refs = messy["placements"].get_column("child_ref")
    assert 0 < (refs != refs.str.strip_chars()).sum() < 0.05 * refs.len()
    kinds = messy["meetings"].get_column("meeting_kind")
    assert 0 < (kinds != kinds.str.strip_chars()).sum() < 0.05 * kinds.len()


def test_some_codes_are_in_another_case(messy: dict[str, pl.DataFrame]) -> None:
    types = messy["placements"].get_column("placement_type").str.strip_chars()
    shouting = (types != types.str.to_lowercase()).sum()
    assert 0 < shouting < 0.05 * types.len()


def test_some_codes_are_unknown(messy: dict[str, pl.DataFrame]) -> None:
    vocabularies = {
        ("placements", "placement_type"): PlacementType.codes(),
        ("legal_statuses", "legal_status"): LegalStatusKind.codes(),
        ("meetings", "meeting_kind"): MeetingKind.codes(),
        ("milestones", "milestone"): MilestoneKind.codes(),
    }
    unknown = 0
    for (name, column), codes in vocabularies.items():
        values = messy[name].get_column(column).str.strip_chars().str.to_lowercase()
        strangers = values.filter(~values.is_in(list(codes)))
        unknown += strangers.len()
        assert strangers.len() < 0.01 * values.len()
    assert unknown > 0


def test_some_references_lost_their_leading_zeros(
    clean: JourneyTables, messy: dict[str, pl.DataFrame]
) -> None:
    known = set(clean.children.get_column("child_ref"))
    stripped = {ref.lstrip("0"): ref for ref in known if ref.startswith("0")}
    lost = set()
    for name in ("care_periods", "placements", "legal_statuses", "meetings", "milestones"):
        for ref in messy[name].get_column("child_ref").str.strip_chars().unique():
            if ref not in known:
                assert ref in stripped, ref  # every stranger is a known child, unpadded
                lost.add(stripped[ref])
    assert 0 < len(lost) < 0.03 * len(stripped)


def test_a_few_children_have_a_different_date_of_birth_on_their_care_periods(
    clean: JourneyTables, messy: dict[str, pl.DataFrame]
) -> None:
    periods = messy["care_periods"].with_columns(
        pl.col("child_ref").str.strip_chars(), read_date("date_of_birth")
    )
    joined = periods.join(
        clean.children.select("child_ref", pl.col("date_of_birth").alias("true")), on="child_ref"
    )
    differs = joined.filter(pl.col("date_of_birth") != pl.col("true"))
    assert 0 < differs.get_column("child_ref").n_unique() < 0.03 * clean.children.height


def test_undoing_the_problems_gives_back_the_clean_rows(
    clean: JourneyTables, messy: dict[str, pl.DataFrame]
) -> None:
    for name in ("placements", "meetings", "milestones"):
        schema = SCHEMAS[name]
        tidied = (
            messy[name]
            .select(
                read_date(column)
                if dtype == pl.Date
                else pl.col(column).str.strip_chars().str.to_lowercase()
                if column in ("placement_type", "meeting_kind", "milestone", "detail")
                else pl.col(column).str.strip_chars().cast(dtype)
                for column, dtype in schema.items()
            )
            .unique(maintain_order=True)
        )
        matching = tidied.join(getattr(clean, name), on=list(schema), how="semi", nulls_equal=True)
        assert matching.height >= 0.93 * getattr(clean, name).height, name
        assert date(1990, 1, 1) < tidied.get_column("period_start").min()  # type: ignore[operator]
