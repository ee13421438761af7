"""What the pack holds: figures worked out by hand, the ranking of children still waiting,
the tests of change and risks it reports, and no child's reference anywhere."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import pytest

from permanence.analysis.aims import AIM_2, NATIONAL_AIMS
from permanence.charts.competing import KAPLAN_MEIER, WHICH_TO_READ
from permanence.ingest.rules import all_rules
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.reports.build import (
    RANK_TITLE,
    STILL_WAITING_SHOWN,
    build_pack,
    default_since,
)
from permanence.reports.content import PackContent, QualitySummary, SectionKind

from .conftest import INITIALS, REF_PREFIX, Synthetic, cycle

HAND_AS_OF = date(2025, 3, 31)


@dataclass(frozen=True)
class Kid:
    ref: str
    accommodated: date
    recommended: date | None = None


def hand_tables(kids: list[Kid]) -> JourneyTables:
    def frame(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    key = [{"child_ref": k.ref, "period_start": k.accommodated} for k in kids]
    return JourneyTables(
        children=frame(
            "children",
            [{"child_ref": k.ref, "date_of_birth": date(2019, 5, 1), "sex": "male"} for k in kids],
        ),
        care_periods=frame("care_periods", [{**row, "team": "North"} for row in key]),
        placements=frame(
            "placements",
            [
                {**row, "placement_type": "foster_la", "start_date": k.accommodated}
                for row, k in zip(key, kids, strict=True)
            ],
        ),
        legal_statuses=frame("legal_statuses", []),
        meetings=frame("meetings", []),
        milestones=frame(
            "milestones",
            [
                {
                    **row,
                    "milestone": "permanence_recommendation",
                    "date": k.recommended,
                    "detail": "adoption",
                }
                for row, k in zip(key, kids, strict=True)
                if k.recommended is not None
            ],
        ),
    )


#: Four children, worked by hand against Aim 2 (26 weeks) on 31 March 2025:
#: MET waited 20 weeks, LATE 30 weeks; WAITING-10 has waited 10 weeks so far and
#: WAITING-40 40 weeks, past the target.
HAND_KIDS = [
    Kid("MET", date(2024, 1, 1), date(2024, 1, 1) + timedelta(weeks=20)),
    Kid("LATE", date(2024, 1, 1), date(2024, 1, 1) + timedelta(weeks=30)),
    Kid("WAITING-10", HAND_AS_OF - timedelta(weeks=10)),
    Kid("WAITING-40", HAND_AS_OF - timedelta(weeks=40)),
]


@pytest.fixture
def hand_pack() -> PackContent:
    frame = build_journeys_frame(hand_tables(HAND_KIDS), HAND_AS_OF, authority="T")
    return build_pack(
        frame, [AIM_2], authority_name="Hand Council", authority_code="T", as_of=HAND_AS_OF
    )


def test_the_aims_overview_gives_the_figures_worked_by_hand(hand_pack: PackContent) -> None:
    (aim,) = hand_pack.aims
    # A child waiting past the target is known not to have met it: 1 met of 3 known.
    assert (aim.known, aim.percent_met, aim.met_text) == (3, 33, "33% of 3")
    assert (aim.still_waiting, aim.past_target, aim.left_without_end) == (2, 1, 0)
    assert (hand_pack.looked_after, hand_pack.accommodated) == (4, 4)
    assert hand_pack.waiting_for_recommendation == 2


def test_the_still_waiting_words_and_bars_are_worked_by_hand(hand_pack: PackContent) -> None:
    (charts,) = hand_pack.aim_charts
    assert charts.waiting_words[0] == (
        "2 children are still waiting for a permanence recommendation; "
        "1 of them has waited longer than 26 weeks."
    )
    assert charts.waiting_words[1] == "The longest wait so far is 40 weeks."
    data = charts.still_waiting.data
    assert data.get_column(data.columns[0]).to_list() == ["Child 1 (longest wait)", "Child 2"]
    assert data.get_column(data.columns[2]).to_list() == [40.0, 10.0]


def test_the_last_meeting_is_a_fortnight_before_by_default(hand_pack: PackContent) -> None:
    assert hand_pack.since == HAND_AS_OF - timedelta(days=14) == default_since(HAND_AS_OF)


def test_the_last_meeting_cannot_be_after_this_one() -> None:
    frame = build_journeys_frame(hand_tables(HAND_KIDS), HAND_AS_OF, authority="T")
    with pytest.raises(ValueError, match="last meeting"):
        build_pack(
            frame,
            [AIM_2],
            authority_name="T",
            authority_code="T",
            as_of=HAND_AS_OF,
            since=HAND_AS_OF + timedelta(days=1),
        )


# ---------------------------------------------------------------------------------------
# Ranking the children still waiting


def test_the_packs_still_waiting_charts_are_numbered_in_the_order_drawn(
    content: PackContent,
) -> None:
    charts = [aim.still_waiting for aim in content.aim_charts]
    drawn = [chart for chart in charts if chart.data.height > 5]
    assert drawn, "the synthetic authority should have children still waiting"
    for chart in drawn:
        labels = chart.data.get_column(RANK_TITLE).to_list()
        assert labels == ["Child 1 (longest wait)"] + [
            f"Child {n}" for n in range(2, len(labels) + 1)
        ]
        weeks = chart.data.get_column(chart.data.columns[2]).to_list()
        assert weeks == sorted(weeks, reverse=True)


# ---------------------------------------------------------------------------------------
# The improvement record


def test_cycles_are_sorted_into_closed_begun_and_still_under_test(content: PackContent) -> None:
    assert [c.change_idea for c in content.cycles_closed] == ["2-week planning meeting"]
    assert [c.change_idea for c in content.cycles_opened] == ["Written legal advice"]
    assert content.cycles_still_under_test == 1  # set review dates, begun in May
    assert content.cycles_sentence() == (
        "Since 16 September 2026, 1 cycle closed and 1 new cycle began. "
        "1 cycle begun before then is still under test."
    )


def test_a_cycle_closed_on_the_day_of_the_last_meeting_counts_and_one_after_does_not() -> None:
    frame = build_journeys_frame(hand_tables(HAND_KIDS), HAND_AS_OF, authority="T")
    since = HAND_AS_OF - timedelta(days=14)
    cycles = [
        cycle("On the day", 1, date(2025, 1, 6), since, learned="l", next_steps="n"),
        cycle("The day before", 1, date(2025, 1, 6), since - timedelta(days=1)),
        cycle("Begun on the day", 1, since),
        cycle("Begun tomorrow", 1, HAND_AS_OF + timedelta(days=1)),
    ]
    pack = build_pack(
        frame,
        [AIM_2],
        authority_name="T",
        authority_code="T",
        as_of=HAND_AS_OF,
        since=since,
        cycles=cycles,
    )
    assert [c.change_idea for c in pack.cycles_closed] == ["On the day"]
    assert [c.change_idea for c in pack.cycles_opened] == ["Begun on the day"]
    assert pack.cycles_still_under_test == 0


def test_only_open_risks_are_reported_the_highest_rating_first(content: PackContent) -> None:
    assert [r.description for r in content.risks] == [
        "RISK-MARK: solicitor capacity over the summer",
        "A smaller open risk",
    ]
    assert content.projects_with_risks == 1
    assert content.risks[0].rating_text == "16, high (likelihood 4 × impact 4)"


def test_the_data_quality_summary_keeps_the_validation_figures(
    world: Synthetic, content: PackContent
) -> None:
    quality = content.quality
    assert quality is not None and quality.has_figures
    assert (quality.errors, quality.queries) == (world.errors, world.queries)
    assert world.errors + world.queries > 0, "the messy extract should have issues"
    assert sum(rule.count for rule in quality.rules) == world.errors + world.queries
    counts = [rule.count for rule in quality.rules]
    assert counts == sorted(counts, reverse=True)
    registry = all_rules()
    assert all(rule.message == registry[rule.rule].message for rule in quality.rules)
    assert {table.table for table in quality.tables} >= {"Children", "Care periods"}


def test_an_import_that_kept_no_figures_says_so() -> None:
    quality = QualitySummary.from_summary(None, source="old.csv", loaded_on=date(2025, 1, 2))
    assert not quality.has_figures
    assert quality.sentence() == (
        "The latest import (old.csv) was loaded on 2 January 2025. It kept no data-quality figures."
    )


# ---------------------------------------------------------------------------------------
# The sections and the charts


def test_the_sections_run_from_the_open_actions_to_the_data_quality(
    content: PackContent,
) -> None:
    sections = content.sections()
    kinds = [section.kind for section in sections]
    aims = len(NATIONAL_AIMS) + 1
    assert kinds[:3] == [SectionKind.ACTIONS, SectionKind.AIMS, SectionKind.MEASURE_AIMS]
    assert kinds[3 : 3 + 2 * aims] == [SectionKind.RUN_CHART, SectionKind.STILL_WAITING] * aims
    assert kinds[3 + 2 * aims :] == [
        SectionKind.SURVIVAL,
        SectionKind.COMPETING,
        SectionKind.STAGES,
        SectionKind.PROCESS_MAP,
        SectionKind.FLOWS,
        SectionKind.CYCLES,
        SectionKind.RISKS,
        SectionKind.QUALITY,
    ]
    assert len({section.anchor for section in sections}) == len(sections)
    # and the survival curve, what became of the children, the process map and the flows
    assert len(content.charts()) == 2 * aims + 4


def test_still_waiting_charts_show_at_most_the_longest_waits(content: PackContent) -> None:
    for aim in content.aim_charts:
        assert aim.still_waiting.data.height <= STILL_WAITING_SHOWN


def test_more_children_waiting_than_bars_keeps_the_longest_and_says_so() -> None:
    # 30 children still waiting, child k accommodated k weeks before the meeting.
    kids = [Kid(f"WAITING-{k}", HAND_AS_OF - timedelta(weeks=k)) for k in range(1, 31)]
    frame = build_journeys_frame(hand_tables(kids), HAND_AS_OF, authority="T")
    pack = build_pack(
        frame, [AIM_2], authority_name="Hand Council", authority_code="T", as_of=HAND_AS_OF
    )
    (aim_2,) = pack.aim_charts
    assert aim_2.still_waiting.data.height == STILL_WAITING_SHOWN == 25
    # The longest waits are kept: 30 weeks down to 6; the five shortest are left off.
    weeks = aim_2.still_waiting.data.get_column(aim_2.still_waiting.data.columns[2]).to_list()
    assert max(weeks) == 30 and min(weeks) == 6
    assert "The chart shows the 25 longest waits of the 30." in aim_2.waiting_words


def test_no_chart_carries_a_childs_reference_or_initials(content: PackContent) -> None:
    for chart in content.charts():
        text = json.dumps(chart.spec) + chart.to_csv() + chart.alt_text
        assert REF_PREFIX not in text, chart.name
        assert INITIALS not in text, chart.name
        assert "child_ref" not in text, chart.name


def test_the_stage_table_shares_add_up_to_all_the_waiting(content: PackContent) -> None:
    assert [row.rank for row in content.stages] == list(range(1, len(content.stages) + 1))
    assert sum(row.share for row in content.stages) == pytest.approx(100.0, abs=0.01)
    shares = [row.share for row in content.stages]
    assert shares == sorted(shares, reverse=True)
    top = content.stages[0]
    assert content.stage_sentence.startswith(
        f"Most of the waiting is before the {top.label.lower()}"
    )


def test_the_survival_curve_follows_aim_2(content: PackContent) -> None:
    assert content.survival is not None
    assert content.survival.name == "aim_2-survival"
    assert "still waiting" in content.survival_words


def test_beside_the_survival_curve_what_became_of_aim_2s_children(content: PackContent) -> None:
    # Issue 13, finding 7: Kaplan-Meier alone treats leaving care as censoring; the pack
    # gives the Champions' Group the cumulative incidence of each outcome beside it.
    assert content.competing is not None
    assert content.competing.name == "aim_2-competing"
    assert content.competing.caption == WHICH_TO_READ
    columns = content.competing.data.columns
    assert columns[:2] == ["Week", "Had a permanence recommendation"]
    assert columns[-1] == KAPLAN_MEIER
    # Every week the outcomes and those still waiting add up to every child (each is
    # rounded to a tenth).
    totals = content.competing.data.select(columns[1:-1]).sum_horizontal().to_list()
    assert totals and all(abs(total - 100) <= 0.05 * len(columns) for total in totals)
