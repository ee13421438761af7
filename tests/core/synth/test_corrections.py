"""``earlier_extract``: an earlier extract the generator's tables correct.

What it promises, checked against the import's own rules and record identity rather than
against itself: every earlier row is valid (it loads); matched to the later extract with
``journey.identity``, every earlier row is the same record, corrected or not, except the
rows entered in error, which are exactly the records the later extract no longer holds.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from permanence.cli.main import main
from permanence.ingest import read_extract, validate
from permanence.journey.identity import Candidate, MatchedBy, candidate, match_records
from permanence.journey.tables import (
    MEETING_DETAIL_TABLES,
    RECORD_ID,
    SCHEMAS,
    JourneyTables,
    read_canonical_csv,
)
from permanence.synth.corrections import (
    CorrectionShares,
    EarlierExtract,
    earlier_extract,
    with_record_ids,
)
from permanence.synth.writers import write_csv

from .conftest import END, authority


def test_the_same_tables_and_seed_give_the_same_earlier_extract() -> None:
    first = earlier_extract(authority(300, 4), 4, extract_date=END)
    again = earlier_extract(authority(300, 4), 4, extract_date=END)
    other = earlier_extract(authority(300, 4), 5, extract_date=END)
    for name, frame in first.tables.items():
        assert frame.equals(getattr(again.tables, name)), name
    assert first.corrected.equals(again.corrected)
    assert not first.corrected.equals(other.corrected)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_row_of_the_earlier_extract_is_valid(tmp_path: Path, seed: int) -> None:
    earlier = earlier_extract(authority(400, seed), seed, extract_date=END)
    write_csv(earlier.tables, tmp_path)
    validation = validate(read_extract([tmp_path], None, extract_date=END))
    assert validation.error_count == 0, validation.issues_by_rule()
    # Nothing was dropped as a repeat either: every row will be a record.
    for name, frame in earlier.tables.items():
        assert getattr(validation.tables, name).height == frame.height, name


def match(
    earlier: JourneyTables, later: JourneyTables, name: str
) -> tuple[Counter[MatchedBy], int, list[int]]:
    """How the import's record identity matches one table of the two extracts: the
    count of each kind of match, the later rows that match nothing, and the earlier rows
    that nothing matches."""

    def candidates(frame: pl.DataFrame) -> list[Candidate]:
        parent = ["child_ref", "period_start"] if "period_start" in frame.columns else []
        return [
            candidate(name, row, child=row["child_ref"], parent=tuple(row[c] for c in parent))
            for row in frame.iter_rows(named=True)
        ]

    matching = match_records(candidates(getattr(earlier, name)), candidates(getattr(later, name)))
    how = Counter(matched for _, _, matched in matching.pairs)
    return how, len(matching.new_rows), list(matching.gone_records)


@pytest.mark.parametrize("ids", [False, True])
def test_the_later_extract_corrects_every_earlier_record_but_those_entered_in_error(
    ids: bool,
) -> None:
    later = authority(600, 7)
    if ids:
        later = with_record_ids(later)
    earlier = earlier_extract(later, 7, extract_date=END)
    corrected = earlier.corrected.group_by("table").len()
    assert set(corrected.get_column("table")) == {"milestones", "placements", "meetings"}
    for name in SCHEMAS:
        how, new, gone = match(earlier.tables, later, name)
        assert new == 0, name  # the later extract adds nothing
        in_error = getattr(earlier.in_error, name)
        first_in_error = getattr(earlier.tables, name).height - in_error.height
        assert gone == list(range(first_in_error, getattr(earlier.tables, name).height)), name
        if ids and name not in ("children", *MEETING_DETAIL_TABLES):
            # The checklists and actions carry no ids: they are known by their meeting.
            assert set(how) == {MatchedBy.RECORD_ID}, name
        elif name in ("milestones", "placements", "meetings"):
            assert how[MatchedBy.CORRECTION] > 0, name


def test_a_recommendation_is_only_ever_corrected_to_a_later_date() -> None:
    earlier = earlier_extract(authority(600, 7), 7, extract_date=END)
    dates = earlier.corrected.filter(pl.col("table") == "milestones")
    assert dates.height > 0
    assert (dates["earlier"] < dates["later"]).all()


def test_records_entered_in_error_are_spurious_recommendations_and_duplicate_children() -> None:
    earlier = earlier_extract(authority(600, 7), 7, extract_date=END)
    in_error = earlier.in_error
    duplicates = set(in_error.children.get_column("child_ref"))
    assert duplicates and all(ref.startswith("D") for ref in duplicates)
    originals = set(authority(600, 7).children.get_column("child_ref"))
    assert {ref[1:] for ref in duplicates} <= originals
    spurious = in_error.milestones.filter(~pl.col("child_ref").str.starts_with("D"))
    assert spurious.height > 0
    assert set(spurious.get_column("milestone")) == {"permanence_recommendation"}


def test_the_shares_are_about_what_the_docs_say() -> None:
    later = authority(3000, 11)
    shares = CorrectionShares()
    earlier = earlier_extract(later, 11, extract_date=END, shares=shares)
    recommendations = later.milestones.filter(pl.col("milestone") == "permanence_recommendation")
    single = recommendations.filter(pl.len().over("child_ref", "period_start") == 1).height
    corrected = earlier.corrected.filter(pl.col("table") == "milestones").height
    assert (
        0.5 * shares.recommendation_dates < corrected / single < 1.5 * shares.recommendation_dates
    )
    duplicates = earlier.in_error.children.height / later.children.height
    assert 0.5 * shares.children_in_error < duplicates < 1.5 * shares.children_in_error


def test_record_ids_are_unique_in_each_table() -> None:
    tables = with_record_ids(authority(300, 4))
    assert RECORD_ID not in tables.children.columns or tables.children[RECORD_ID].is_null().all()
    for name, frame in tables.items():
        if name not in ("children", *MEETING_DETAIL_TABLES):
            assert frame[RECORD_ID].n_unique() == frame.height, name


def test_the_command_writes_the_earlier_extract_beside_the_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["synth", "--children", "60", "--seed", "3", "--end", END.isoformat()]
    code = main(
        [
            *arguments,
            "--out",
            str(tmp_path / "later"),
            "--earlier-extract",
            str(tmp_path / "earlier"),
        ]
    )
    assert code == 0
    said = capsys.readouterr().out
    assert "Wrote an earlier extract of the same authority" in said
    earlier = read_canonical_csv(tmp_path / "earlier")
    expected = earlier_extract(read_canonical_csv(tmp_path / "later"), 3, extract_date=END)
    for name, frame in expected.tables.items():
        assert getattr(earlier, name).equals(frame), name
    assert (
        main(
            [
                *arguments,
                "--messy",
                "--out",
                str(tmp_path / "m"),
                "--earlier-extract",
                str(tmp_path / "e"),
            ]
        )
        == 2
    )
    assert "leave out --messy" in capsys.readouterr().err


#: What docs/synthetic-data.md counts on a 600-child authority, in the order it says them.
COUNTED = (
    "recommendations",
    "placement moves",
    "placement types",
    "meetings",
    "spurious recommendations",
    "duplicate children",
)


def counts(earlier: EarlierExtract) -> dict[str, int]:
    """What an earlier extract gets wrong, counted as the docs count it."""
    changed = earlier.corrected

    def values(table: str, column: str) -> int:
        return changed.filter((pl.col("table") == table) & (pl.col("column") == column)).height

    duplicates = earlier.in_error.children.get_column("child_ref").to_list()
    spurious = earlier.in_error.milestones.filter(~pl.col("child_ref").is_in(duplicates))
    return {
        "recommendations": changed.filter(pl.col("table") == "milestones").height,
        "placement moves": values("placements", "start_date"),
        "placement types": values("placements", "placement_type"),
        "meetings": values("meetings", "held_date"),
        "spurious recommendations": spurious.height,
        "duplicate children": len(duplicates),
    }


def test_the_counts_on_a_600_child_authority_are_those_docs_synthetic_data_gives() -> None:
    docs = Path(__file__).parents[3] / "docs" / "synthetic-data.md"
    said = re.search(
        r"On a 600-child authority \(seeds 1 to 5\) that is (\d+) to (\d+) recommendations, "
        r"(\d+) to (\d+)\s+placement moves, (\d+) to (\d+) placement types and (\d+) to (\d+) "
        r"meetings corrected, and (\d+) to (\d+)\s+spurious recommendations and (\d+) to (\d+) "
        r"duplicate children",
        docs.read_text(encoding="utf-8"),
    )
    assert said is not None, "the paragraph on corrections between two extracts has moved"
    numbers = [int(number) for number in said.groups()]
    documented = {name: (numbers[2 * i], numbers[2 * i + 1]) for i, name in enumerate(COUNTED)}
    found = [
        counts(earlier_extract(authority(600, seed), seed, extract_date=END))
        for seed in range(1, 6)
    ]
    ranges = {name: (min(f[name] for f in found), max(f[name] for f in found)) for name in COUNTED}
    assert ranges == documented
