"""Reading back the tables of earlier publications, to protect the next one with them."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from permanence.analysis.benchmarking import OUTCOMES
from permanence.analysis.disclosure import CountTable, protect_table
from permanence.web.national.models import NationalPublication
from permanence.web.national.publication import earlier_tables, reference_date, window_start

REFERENCE = date(2025, 6, 30)


@pytest.mark.django_db
def test_a_table_of_many_authorities_with_a_late_hidden_cell_reads_back() -> None:
    # Scotland's 32 authorities, the last with a small count: its hidden cells come after
    # the first hundred cells, all shown.
    authorities = tuple(f"A{number:02d}" for number in range(1, 33))
    values = np.full((len(authorities), len(OUTCOMES)), 40, dtype=np.int64)
    values[-1] = [2, 30, 30, 30]
    values[-2] = [3, 30, 30, 30]
    table = protect_table(
        CountTable(
            row="authority",
            column="outcome",
            row_keys=authorities,
            column_keys=OUTCOMES,
            values=values,
        )
    )
    rows = table.raw_frame().to_dicts()
    assert all(row["suppression"] is None for row in rows[:100])
    NationalPublication.objects.create(
        reference_date=REFERENCE, key="earlier", figures={}, tables={"aim_2": rows}
    )
    (read_back,) = earlier_tables(REFERENCE)["aim_2"]
    assert read_back.row_labels == table.row_labels
    assert (read_back.values == table.values).all()
    assert (read_back.suppression == table.suppression).all()


def test_every_reference_date_is_a_quarter_end_that_every_year_has() -> None:
    for month in range(1, 13):
        for year in (2023, 2024):  # 2024 a leap year
            reference = reference_date(date(year, month, 15))
            assert (reference.month, reference.day) in {(3, 31), (6, 30), (9, 30), (12, 31)}
            start = date(reference.year - 3, reference.month, reference.day)
            assert window_start(reference) == start + timedelta(days=1)
