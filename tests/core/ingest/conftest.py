"""A small, hand-checked clean extract and helpers to break it one way at a time.

``BASE`` is two children, written the way a data lead would: child A1 accommodated in
January 2022 and on the way to a kinship care order, child B2 looked after at home in 2020
and home for good. Validated at ``EXTRACT_DATE`` it raises no issue at all (a test checks
that), so each rule's test can change one thing and see exactly that rule fire.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from permanence.ingest import Validation, read_extract, validate

EXTRACT_DATE = date(2024, 3, 31)

BASE: dict[str, str] = {
    "children": """\
child_ref,initials,date_of_birth,sex,ethnicity,disability
A1,AA,2018-01-15,female,,
B2,BB,2015-06-01,male,,
""",
    "care_periods": """\
child_ref,period_start,period_end,destination,team
A1,2022-01-10,,,East
B2,2020-03-01,2021-01-31,home,West
""",
    "placements": """\
child_ref,period_start,placement_type,start_date,end_date
A1,2022-01-10,foster_la,2022-01-10,2022-09-30
A1,2022-01-10,kinship,2022-10-01,
B2,2020-03-01,home,2020-03-01,2021-01-31
""",
    "legal_statuses": """\
child_ref,period_start,legal_status,start_date,end_date
A1,2022-01-10,s25,2022-01-10,2022-02-20
A1,2022-01-10,cso_residence,2022-02-21,
B2,2020-03-01,cso_home,2020-03-01,2021-01-31
""",
    "meetings": """\
child_ref,period_start,meeting_kind,review_number,due_date,held_date,outcome
A1,2022-01-10,planning_72h,,2022-01-13,2022-01-13,
A1,2022-01-10,review,1,2022-02-21,2022-02-21,
A1,2022-01-10,review,2,2022-05-21,2022-05-20,Kinship care order recommended
B2,2020-03-01,review,1,2020-04-10,2020-04-12,
""",
    "milestones": """\
child_ref,period_start,milestone,date,detail,reason
A1,2022-01-10,permanence_recommendation,2022-05-20,kinship_order,
A1,2022-01-10,adm_decision,2022-06-15,agreed,
A1,2022-01-10,application_lodged,2022-08-01,kinship_order,
A1,2022-01-10,order_granted,2023-02-01,kinship_order,
B2,2020-03-01,permanence_recommendation,2020-10-01,return_home,
B2,2020-03-01,order_granted,2021-01-31,cso_terminated,
""",
}

Tables = dict[str, str]


class Extracts:
    """The builders, handed to tests as the ``extracts`` fixture."""

    EXTRACT_DATE = EXTRACT_DATE

    @staticmethod
    def base() -> Tables:
        return dict(BASE)

    @staticmethod
    def add_rows(tables: Tables, table: str, *rows: str) -> Tables:
        """``tables`` with CSV ``rows`` appended to ``table``."""
        changed = dict(tables)
        changed[table] = changed[table] + "".join(f"{row}\n" for row in rows)
        return changed

    @staticmethod
    def replace(tables: Tables, table: str, old: str, new: str) -> Tables:
        """``tables`` with the text ``old`` (which must occur once) replaced in ``table``."""
        assert tables[table].count(old) == 1, f"{old!r} should occur once in {table}"
        changed = dict(tables)
        changed[table] = changed[table].replace(old, new)
        return changed

    @staticmethod
    def without(tables: Tables, table: str) -> Tables:
        return {name: text for name, text in tables.items() if name != table}

    @staticmethod
    def write(directory: Path, tables: Tables) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in tables.items():
            (directory / f"{name}.csv").write_text(text, encoding="utf-8")
        return directory

    @staticmethod
    def issues_of(validation: Validation, rule: str) -> pl.DataFrame:
        """The issues ``rule`` raised."""
        return validation.issues.filter(pl.col("rule") == rule)

    @staticmethod
    def rows_of(validation: Validation, rule: str, table: str | None = None) -> list[int]:
        """The spreadsheet rows ``rule`` raised issues on (in ``table``, if given)."""
        found = validation.issues.filter(pl.col("rule") == rule)
        if table is not None:
            found = found.filter(pl.col("table") == table)
        return sorted(found["row"].drop_nulls().to_list())


@pytest.fixture(scope="session")
def extracts() -> type[Extracts]:
    return Extracts


Check = Callable[..., Validation]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """Validate ``tables`` written as CSV files (a fresh folder each call)."""
    calls = iter(range(1_000_000))

    def run(
        tables: Tables, *, extract_date: date = EXTRACT_DATE, profile: str | None = None
    ) -> Validation:
        folder = Extracts.write(tmp_path / f"extract{next(calls)}", tables)
        return validate(read_extract(folder, profile, extract_date=extract_date))

    return run
