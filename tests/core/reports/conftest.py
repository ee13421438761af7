"""A report pack built headless from a synthetic authority, and the three files made from it.

The synthetic children's references are made distinctive ("REF-" and the generated
number) and every child's initials "XQZ", so a test can search every file for any child's
reference or initials and find nothing by chance. The improvement record (cycles, risks)
and the data-quality summary are made here, as the web layer would hand them over; the
summary is the real ``summarise`` of a messy extract of the same authority.

Building the pack and its files takes a few seconds, so each is made once per session.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from permanence.analysis.aims import NATIONAL_AIMS, AimDefinition, local_aim
from permanence.analysis.measure_aims import MonthFigure, measure_aim_progress
from permanence.charts import ImprovementMarks
from permanence.ingest import read_extract, validate
from permanence.ingest.quality_report import summarise
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import JourneyTables
from permanence.reports.build import build_pack
from permanence.reports.content import (
    CycleItem,
    GroupActionItem,
    PackContent,
    QualitySummary,
    RiskItem,
)
from permanence.reports.files import PackFormat, make_files
from permanence.reports.measure_aims import MeasureAimItem
from permanence.reports.xlsx import DATA_ROW
from permanence.synth import default_improvement_start, generate
from permanence.synth.messy import make_messy

AS_OF = date(2026, 9, 30)
SINCE = AS_OF - timedelta(days=14)
#: The Champions' Group's actions not done, as the pack's first section shows them
#: (worked by hand in test_group_actions.py).
GROUP_ACTIONS = (
    GroupActionItem(
        "Ask the sheriff clerk for the court's timescales", "Chair", SINCE, AS_OF + timedelta(7)
    ),
    GroupActionItem(
        "Agree the legal advice template", "Legal services", SINCE - timedelta(14), SINCE
    ),
    GroupActionItem("Invite the health visitors' lead", "Data lead", SINCE, None),
)
LAST_GROUP_MEETING = SINCE
#: A measure's months, worked by hand in docs/meetings.md ("Local aims on the measures"):
#: November 6 of 10, December nobody, January 9 of 10, February 7 of 9, March 19 of 20,
#: April 4 of 8.
MEASURE_MONTHS = (
    MonthFigure(date(2025, 11, 1), 6, 10),
    MonthFigure(date(2025, 12, 1), 0, 0),
    MonthFigure(date(2026, 1, 1), 9, 10),
    MonthFigure(date(2026, 2, 1), 7, 9),
    MonthFigure(date(2026, 3, 1), 19, 20),
    MonthFigure(date(2026, 4, 1), 4, 8),
)


def measure_aim(title: str, by_date: date, *, as_of: date = AS_OF) -> MeasureAimItem:
    """A local aim of 90% on the measure above, counting from November 2025."""
    return MeasureAimItem(
        title=title,
        measure="Two-week planning meetings that set every review date",
        statement=f"{title}: 90% of two-week planning meetings will set every review date.",
        progress=measure_aim_progress(
            MEASURE_MONTHS,
            target_percent=90,
            counting_from=date(2025, 11, 1),
            by_date=by_date,
            as_of=as_of,
        ),
        serves="National Aim 2",
    )


#: On 30 September 2026 (worked in test_measure_aims_section.py): met by 31 March 2026
#: (judged on March, 95%); not met by 28 February 2026 (judged on February, 78%); not yet
#: due by 31 March 2027.
MEASURE_AIMS = (
    measure_aim("Review dates by March", date(2026, 3, 31)),
    measure_aim("Review dates by February", date(2026, 2, 28)),
    measure_aim("Review dates by next March", date(2027, 3, 31)),
)
CHILDREN = 160
SEED = 7
REF_PREFIX = "REF-"
INITIALS = "XQZ"
AUTHORITY = "Synthetic Council"
LOCAL_TITLE = "=Our Aim 2: a recommendation within 26 weeks for 80% of children"

__all__ = ["AS_OF", "INITIALS", "LOCAL_TITLE", "REF_PREFIX", "SINCE", "Synthetic"]


@dataclass(frozen=True)
class Synthetic:
    tables: JourneyTables
    frame: pl.DataFrame
    aims: tuple[AimDefinition, ...]
    cycles: tuple[CycleItem, ...]
    risks: tuple[RiskItem, ...]
    quality: QualitySummary
    errors: int
    queries: int


def distinctive(tables: JourneyTables) -> JourneyTables:
    def marked(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns((pl.lit(REF_PREFIX) + pl.col("child_ref")).alias("child_ref"))

    return JourneyTables(
        children=marked(tables.children).with_columns(pl.lit(INITIALS).alias("initials")),
        care_periods=marked(tables.care_periods),
        placements=marked(tables.placements),
        legal_statuses=marked(tables.legal_statuses),
        meetings=marked(tables.meetings),
        milestones=marked(tables.milestones),
    )


def cycle(
    idea: str,
    number: int,
    started: date,
    closed: date | None = None,
    *,
    learned: str = "",
    next_steps: str = "",
) -> CycleItem:
    return CycleItem(
        project="Permanence within 26 weeks",
        change_idea=idea,
        number=number,
        started_on=started,
        closed_on=closed,
        planned_end=None,
        decision="Adopt: build the change into the system" if closed else "",
        conditions="team North, children aged 1 to 4",
        hoped_to_achieve=f"{idea}: permanence is discussed with parents within 14 days.",
        learned=learned,
        next_steps=next_steps,
    )


def risk(description: str, likelihood: int, impact: int, *, is_open: bool = True) -> RiskItem:
    return RiskItem(
        project="Permanence within 26 weeks",
        kind="Risk",
        description=description,
        owner="Head of legal services",
        likelihood=likelihood,
        impact=impact,
        band="high",
        actions="A standing slot for legal advice.",
        status="Open" if is_open else "Closed",
        is_open=is_open,
        raised_on=date(2026, 6, 1),
    )


def synthetic(tmp: Path) -> Synthetic:
    tables = distinctive(generate(CHILDREN, SEED, end=AS_OF))
    frame = build_journeys_frame(tables, AS_OF, authority="SYN")
    folder = tmp / "messy"
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in make_messy(tables, 5).items():
        table.write_csv(folder / f"{name}.csv")
    validation = validate(read_extract(sorted(folder.iterdir()), None, extract_date=AS_OF))
    quality = QualitySummary.from_summary(
        summarise(validation), source="children.csv and 5 more", loaded_on=AS_OF
    )
    aims = (
        *NATIONAL_AIMS,
        local_aim(
            "recommendation",
            id="local_1",
            title=LOCAL_TITLE,
            target_percent=80,
            start_on_or_after=date(2024, 4, 1),
            by_date=date(2027, 3, 31),
        ),
    )
    cycles = (
        cycle(
            "2-week planning meeting",
            3,
            date(2026, 8, 3),
            date(2026, 9, 21),
            learned="LEARNED-MARK: nine of eleven meetings were held within 14 days.",
            next_steps="NEXT-MARK: roll out to the South team.",
        ),
        cycle("Written legal advice", 1, date(2026, 9, 20)),
        cycle("Set review dates at accommodation", 2, date(2026, 5, 1)),
        cycle(
            "Closed long ago", 1, date(2025, 1, 6), date(2025, 3, 3), learned="x", next_steps="y"
        ),
    )
    risks = (
        risk("RISK-MARK: solicitor capacity over the summer", 4, 4),
        risk("A closed risk that must not be reported", 5, 5, is_open=False),
        risk("A smaller open risk", 2, 2),
    )
    return Synthetic(
        tables=tables,
        frame=frame,
        aims=aims,
        cycles=cycles,
        risks=risks,
        quality=quality,
        errors=validation.error_count,
        queries=validation.query_count,
    )


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    return synthetic(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="session")
def content(world: Synthetic) -> PackContent:
    start = default_improvement_start(AS_OF)
    return build_pack(
        world.frame,
        world.aims,
        authority_name=AUTHORITY,
        authority_code="SYN",
        as_of=AS_OF,
        since=SINCE,
        marks={aim.id: ImprovementMarks(start=start) for aim in world.aims},
        cycles=world.cycles,
        risks=world.risks,
        quality=world.quality,
        group_actions=GROUP_ACTIONS,
        last_group_meeting=LAST_GROUP_MEETING,
        measure_aims=MEASURE_AIMS,
    )


@pytest.fixture(scope="session")
def files(content: PackContent) -> dict[PackFormat, bytes]:
    return make_files(content)


@pytest.fixture(scope="session")
def pack_dir(files: dict[PackFormat, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    for fmt, data in files.items():
        (folder / f"pack.{fmt.value}").write_bytes(data)
    return folder


def plain(value: Any) -> Any:
    """A workbook's cell as the pack's data holds it: dates as dates, whole numbers as ints."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def sheet_records(workbook: bytes, name: str) -> list[dict[str, Any]]:
    """A sheet's table read back from the workbook's bytes: a dict per row, by heading."""
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(workbook))
        .get_sheet_by_name(name)
        .to_python(skip_empty_area=False)
    )
    header, *body = rows[DATA_ROW:]
    return [
        {heading: plain(cell) for heading, cell in zip(header, row, strict=True)}
        for row in body
        if any(cell != "" for cell in row)
    ]
