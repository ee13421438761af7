"""The dashboards' page models: downloads safe in a spreadsheet, tables escaped, each aim's
clock worked out as a person would by hand, and figures that agree with the records."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.aims import AIM_2, AIM_4, NATIONAL_AIMS, local_aim
from permanence.analysis.aims_outcomes import Outcome
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import JourneyTables
from permanence.pages.clocks import all_clocks, clocks_of
from permanence.pages.filters import Filters
from permanence.pages.overview import overview
from permanence.pages.tables import csv_safe, table_html

from ..conftest import journey_tables

AS_OF = date(2026, 9, 30)
#: What a spreadsheet may run as a formula (the OWASP list for CSV injection), written
#: here rather than taken from the code under test.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---- CSV ------------------------------------------------------------------------------


def test_cells_a_spreadsheet_would_run_are_made_inert() -> None:
    frame = pl.DataFrame(
        {
            "text": ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "plain", "-3.5", "+4", None],
            "number": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        }
    )
    safe = csv_safe(frame)
    assert safe.get_column("text").to_list() == [
        "'=1+1",
        "'+SUM(A1)",
        "'-2+3",
        "'@cmd",
        "'\tx",
        "plain",
        "-3.5",
        "+4",
        None,
    ]
    assert safe.get_column("number").to_list() == list(range(1, 10))


@given(st.lists(st.text(max_size=12) | st.none(), min_size=1, max_size=30))
def test_no_cell_of_a_download_can_start_a_formula(cells: list[str | None]) -> None:
    safe = csv_safe(pl.DataFrame({"cell": cells}, schema={"cell": pl.String}))
    for before, after in zip(cells, safe.get_column("cell").to_list(), strict=True):
        if before is None:
            assert after is None
            continue
        if before.startswith(FORMULA_STARTS) and not _a_spreadsheet_reads_as_a_number(before):
            assert after == "'" + before
            continue
        assert after == before


def _a_spreadsheet_reads_as_a_number(text: str) -> bool:
    """A plain signed decimal: Python's float() also takes spaces, tabs, underscores,
    "inf" and "nan", which a spreadsheet reads as text (and, after a tab, might run)."""
    if text != text.strip() or "_" in text:
        return False
    if text.lstrip("+-").lower() in {"inf", "infinity", "nan"}:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_heading_a_spreadsheet_would_run_is_made_inert_too() -> None:
    frame = pl.DataFrame({"=HYPERLINK(1)": [1], "Weeks": [2]})
    assert csv_safe(frame).columns == ["'=HYPERLINK(1)", "Weeks"]


def test_a_csv_reads_back_as_the_table() -> None:
    frame = pl.DataFrame({"Child": ["C-AAAA-BBBB", "=HYPERLINK()"], "Weeks": [1.5, 30.25]})
    text = csv_safe(frame).write_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Child", "Weeks"], ["C-AAAA-BBBB", "1.5"], ["'=HYPERLINK()", "30.25"]]


# ---- tables ------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """The text of every cell, the links and the header row, read back from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in {"td", "th"}:
            self._cell = []
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_a_table_escapes_every_cell_and_links_only_what_it_is_given() -> None:
    frame = pl.DataFrame(
        {
            "Child": ["C-1", "<script>alert(1)</script>", "C-3"],
            "Date": [date(2024, 3, 1), None, date(2025, 12, 25)],
            "Weeks": [1.25, 2.0, None],
        }
    )
    html = table_html(
        frame, caption="A & B", links={"C-1": "/children/7/?x=1&y=2"}, link_column="Child"
    )
    assert "<script>" not in html
    parser = _Cells()
    parser.feed(html)
    assert parser.rows == [
        ["Child", "Date", "Weeks"],
        ["C-1", "1 Mar 2024", "1.2"],
        ["<script>alert(1)</script>", "", "2.0"],
        ["C-3", "25 Dec 2025", ""],
    ]
    assert parser.links == ["/children/7/?x=1&y=2"]
    assert "<caption>A &amp; B</caption>" in html


def test_a_table_without_links_has_none() -> None:
    html = table_html(pl.DataFrame({"Child": ["C-1"]}), caption="x", link_column="Child")
    assert "<a " not in html


# ---- a child's clocks, worked by hand ----------------------------------------------------


def test_each_aims_clock_is_what_a_person_counts_by_hand() -> None:
    # conftest.journey_tables: accommodated 10 January 2022, recommendation 1 June 2022,
    # the agency decision maker agreed the plan on 1 August 2022, nothing lodged yet.
    # Two children in the frame: the journey page reads one child's clocks out of every
    # child's, worked out once.
    tables = journey_tables("C1")
    other = journey_tables("C2")
    both = type(tables)(
        **{name: pl.concat([part, getattr(other, name)]) for name, part in tables.items()}
    )
    frame = build_journeys_frame(both, AS_OF, authority="T")
    every = all_clocks(frame, NATIONAL_AIMS)
    clocks = {clock.aim.id: clock for clock in clocks_of(every, "C1")}
    assert len(clocks_of(every, None)) == 2 * len(clocks_of(every, "C1"))

    aim_2 = clocks[AIM_2.id]
    accommodated, recommended = date(2022, 1, 10), date(2022, 6, 1)
    assert aim_2.start == accommodated
    assert aim_2.deadline == accommodated + timedelta(weeks=26)
    assert aim_2.end == recommended
    assert aim_2.days == (recommended - accommodated).days == 142
    assert aim_2.outcome is Outcome.MET and aim_2.status == "Met"
    assert aim_2.days_over is None and aim_2.days_left is None
    assert "inside 26 weeks" in aim_2.sentence

    aim_4 = clocks[AIM_4.id]
    decided = date(2022, 8, 1)
    assert aim_4.start == decided and aim_4.end is None and aim_4.running
    assert aim_4.days == (AS_OF - decided).days
    assert aim_4.days_over == (AS_OF - (decided + timedelta(weeks=16))).days
    assert aim_4.status == "Running, past the target"
    assert aim_4.outcome is Outcome.NOT_MET


def test_a_clock_inside_its_target_counts_the_days_left() -> None:
    as_of = date(2022, 3, 1)  # 50 days after accommodation, before the recommendation
    frame = build_journeys_frame(journey_tables("C1"), as_of, authority="T")
    aim_2 = next(clock for clock in clocks_of(all_clocks(frame, [AIM_2]), "C1"))
    assert aim_2.days == 50
    assert aim_2.days_left == 182 - 50
    assert aim_2.status == "Running"
    assert f"{182 - 50} days left until 11 July 2022" in aim_2.sentence


# ---- figures -----------------------------------------------------------------------------


def test_the_overview_counts_what_the_tables_hold() -> None:
    tables = journey_tables("C1")
    ended = journey_tables("C2", team="South", looked_after=date(2023, 5, 1))
    ended = ended.__class__(
        children=ended.children,
        care_periods=ended.care_periods.with_columns(
            pl.lit(date(2024, 1, 1)).alias("period_end"), pl.lit("home").alias("destination")
        ),
        placements=ended.placements,
        legal_statuses=ended.legal_statuses,
        meetings=ended.meetings,
        milestones=ended.milestones,
    )
    both = tables.__class__(
        **{name: pl.concat([getattr(tables, name), getattr(ended, name)]) for name in (
            "children", "care_periods", "placements", "legal_statuses", "meetings", "milestones"
        )}
    )  # fmt: skip
    frame = build_journeys_frame(both, AS_OF, authority="T")
    figures = overview(frame, NATIONAL_AIMS, Filters(), {}, as_of=AS_OF)
    assert figures.looked_after == 1  # C2's period ended
    only_south = overview(frame, NATIONAL_AIMS, Filters(team="South"), {}, as_of=AS_OF)
    assert only_south.looked_after == 0
    aim_2 = next(summary for summary in figures.aims if summary.aim.id == "aim_2")
    assert aim_2.figures.counted == 2
    assert aim_2.percent_met == 100  # both recommended within 26 weeks
    in_2023 = overview(frame, NATIONAL_AIMS, Filters(period="2023"), {}, as_of=AS_OF)
    assert next(s for s in in_2023.aims if s.aim.id == "aim_2").figures.counted == 1


def _accommodated(ref: str, looked_after: date, recommended: date | None) -> JourneyTables:
    """One accommodated child, recommended on ``recommended`` (or still waiting)."""
    tables = journey_tables(ref, looked_after=looked_after)
    milestones = tables.milestones.filter(pl.col("milestone") == "permanence_recommendation")
    if recommended is None:
        milestones = milestones.clear()
    else:
        milestones = milestones.with_columns(pl.lit(recommended).alias("date"))
    meetings = tables.meetings.filter(pl.col("meeting_kind") == "planning_72h").with_columns(
        pl.lit(looked_after + timedelta(days=3)).alias("due_date"),
        pl.lit(looked_after + timedelta(days=3)).alias("held_date"),
    )
    return dataclasses.replace(tables, milestones=milestones, meetings=meetings)


def test_a_local_aims_tile_counts_the_children_its_progress_line_counts() -> None:
    # A local Aim 2 (a recommendation within 26 weeks, 182 days) from 1 January 2023.
    # By hand: A is before the "from" date, so not counted. From it: B met (61 days), C
    # not met (366 days), D still waiting and within the 26 weeks (accommodated 1 August
    # 2026, 60 days before the measuring date): pending, so not known.
    # The tile: 1 of the 2 known met it, 50%; 1 still waiting. Counting A too would say
    # 2 of 3, 67%: the contradiction the tile must not show.
    children = [
        _accommodated("A", date(2022, 1, 10), date(2022, 6, 1)),
        _accommodated("B", date(2023, 3, 1), date(2023, 5, 1)),
        _accommodated("C", date(2023, 6, 1), date(2024, 6, 1)),
        _accommodated("D", date(2026, 8, 1), None),
    ]
    tables = JourneyTables(
        **{
            name: pl.concat([getattr(child, name) for child in children])
            for name in (f.name for f in dataclasses.fields(JourneyTables))
        }
    )
    frame = build_journeys_frame(tables, AS_OF, authority="T")
    aim = local_aim(
        "recommendation",
        id="local_1",
        title="Quicker recommendations",
        by_date=date(2027, 3, 31),
        start_on_or_after=date(2023, 1, 1),
        target_percent=50,
    )
    [tile] = overview(frame, [aim], Filters(), {}, as_of=AS_OF).aims
    assert (tile.figures.counted, tile.figures.known, tile.figures.met) == (3, 2, 1)
    assert tile.percent_met == 50
    assert tile.still_waiting == 1
    assert "50% of the 2 children whose outcome is known met it" in tile.progress
    # Without a "from" date (the national aims) the tile counts every child as before.
    [national] = overview(frame, [AIM_2], Filters(), {}, as_of=AS_OF).aims
    assert (national.figures.counted, national.figures.known, national.figures.met) == (4, 3, 2)
