"""The report pack measured as of a past date (issue 13: the measuring date and the
extract date kept apart in the report pack too).

A pack measured as of a past day shows the figures of the same records cut by hand at
that day (everything recorded later removed, as if the extract had been taken then):
the same aims figures ``permanence aims --as-of`` gives. The measuring date is checked
on the server: never after today, never before the first record.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, TestCase
from python_calamine import CalamineWorkbook

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.cli.main import main
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.content import long_date
from permanence.reports.files import PackFormat
from permanence.reports.xlsx import AIMS_SHEET, aims_frame
from permanence.synth import generate
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.tasks.models import Job

from ...core.aims.test_measuring_date import cut_by_hand
from .conftest import CHILDREN, Alpha, distinctive, signed_in
from .test_views import MAKING, PACK, READY, download_all, text_of

#: The columns of the aims sheet that hold figures (the rest are words: the run chart's
#: reading also names the start of the improvement work, which the hand cut has not).
FIGURES = (
    "Aim",
    "Met the aim (%)",
    "Children whose outcome is known",
    "Still waiting",
    "Waiting past the target",
    "Left care without it",
)


def past_of(alpha: Alpha) -> date:
    return alpha.today - timedelta(days=500)


def aims_rows_by_hand(alpha: Alpha, day: date) -> list[tuple[Any, ...]]:
    """The aims sheet's figures from A's extract cut by hand at ``day``, through the same
    page models, with no database."""
    tables = distinctive(generate(CHILDREN, 11, end=alpha.today))
    frame = build_journeys_frame(cut_by_hand(tables, day), day, authority="ALPHA")
    content = build_pack(
        frame,
        NATIONAL_AIMS,
        authority_name="Alpha Council",
        authority_code="ALPHA",
        as_of=alpha.today,
        measured_on=None if day == alpha.today else day,
    )
    return list(aims_frame(content).select(FIGURES).iter_rows())


def aims_rows_of(workbook: bytes) -> list[tuple[Any, ...]]:
    """The aims sheet's figures, read back from the spreadsheet."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_name(AIMS_SHEET)
    rows = sheet.to_python()
    header = next(index for index, row in enumerate(rows) if row and row[0] == "Aim")
    names = [str(name) for name in rows[header]]
    found = []
    for row in rows[header + 1 :]:
        if not row or row[0] in ("", None):
            break
        cells = dict(zip(names, row, strict=False))
        found.append(
            tuple(
                int(cells[name]) if isinstance(cells[name], float) else (cells[name] or None)
                for name in FIGURES
            )
        )
    return found


def first_record(alpha: Alpha) -> date:
    tables = generate(CHILDREN, 11, end=alpha.today)
    first: date = tables.care_periods.get_column("period_start").min()  # type: ignore[assignment]
    return first


def jobs() -> int:
    with scoped_to(Scope.everything()):
        return Job.objects.count()


def post_pack(client: Client, **fields: str) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(PACK, {"since": "", **fields})


def test_a_pack_measured_as_of_a_past_date_shows_the_figures_of_the_extract_cut_by_hand(
    client: Client, alpha: Alpha, users_a: dict[Role, User], capsys: pytest.CaptureFixture[str]
) -> None:
    past = past_of(alpha)
    by_hand = aims_rows_by_hand(alpha, past)
    # The test means something: the figures then are not the figures today.
    assert by_hand != aims_rows_by_hand(alpha, alpha.today)
    assert any(row[2] for row in by_hand), "no child's outcome known at the past date"

    viewer = signed_in(client, users_a[Role.VIEWER])
    form = viewer.get(PACK).content.decode()
    assert 'name="measured_on"' in form and f'max="{alpha.today.isoformat()}"' in form
    response = post_pack(viewer, measured_on=past.isoformat())
    assert response.status_code == 302, response.content[:2000]
    assert MAKING.match(response["Location"])
    making = MAKING.match(response["Location"])
    assert making
    with scoped_to(Scope.everything()):
        job = Job.objects.get(pk=int(making[1]))
    assert job.arguments["measured_on"] == past.isoformat()  # the queued job carries it
    followed = viewer.get(response["Location"])
    ready = READY.match(followed["Location"])
    assert ready, followed["Location"]
    files = download_all(viewer, ready[1])
    assert aims_rows_of(files[PackFormat.XLSX]) == by_hand

    # The cover says both dates: the measuring date beside the day the extract was taken.
    cover = text_of(PackFormat.PDF, files[PackFormat.PDF])
    assert (
        f"The figures are measured as of {long_date(past)}, from an extract taken on "
        f"{long_date(alpha.today)}." in cover
    )
    assert f"For the meeting on {long_date(alpha.today)}" in cover

    # The same figures as `permanence aims --as-of` that day, from the same records.
    assert main(["aims", "--authority", "ALPHA", "--as-of", past.isoformat(), "--json"]) == 0
    measured = {
        aim["aim"]["id"]: aim["overall"] for aim in json.loads(capsys.readouterr().out)["aims"]
    }
    titles = {aim.title: aim.id for aim in NATIONAL_AIMS}
    for row in by_hand:
        overall = measured[titles[row[0]]]
        assert (row[2], row[3], row[4]) == (
            overall["known"],
            overall["still_waiting"],
            overall["waiting_over_target"],
        )


def test_a_forged_measuring_date_out_of_range_is_refused(
    client: Client, alpha: Alpha, users_a: dict[Role, User]
) -> None:
    lead = signed_in(client, users_a[Role.DATA_LEAD])
    before = jobs()
    too_early = first_record(alpha) - timedelta(days=1)
    tomorrow = alpha.today + timedelta(days=1)
    for forged, said in (
        (too_early, "the day the earliest record begins"),
        (tomorrow, "The measuring date cannot be after today"),
    ):
        response = post_pack(lead, measured_on=forged.isoformat())
        assert response.status_code == 200
        refused = response.content.decode()
        assert said in refused, forged
        assert '<a href="#id_measured_on">' in refused
    assert jobs() == before  # no pack was queued
    # The first record's own day may be measured.
    response = post_pack(lead, measured_on=first_record(alpha).isoformat())
    assert response.status_code == 302


def test_the_command_measures_as_of_a_past_date_and_refuses_one_out_of_range(
    alpha: Alpha, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    past = past_of(alpha)
    folder = tmp_path / "packs"
    arguments = ["report", "--authority", "ALPHA", "--out", f"{folder}/", "--format", "xlsx"]
    assert main([*arguments, "--as-of", past.isoformat()]) == 0
    assert f"measured as of {past.isoformat()}" in capsys.readouterr().out
    name = f"champions-group-pack-ALPHA-{alpha.today.isoformat()}-as-of-{past.isoformat()}.xlsx"
    assert [path.name for path in folder.iterdir()] == [name]
    assert aims_rows_of((folder / name).read_bytes()) == aims_rows_by_hand(alpha, past)

    for forged in (first_record(alpha) - timedelta(days=1), alpha.today + timedelta(days=1)):
        assert main([*arguments, "--as-of", forged.isoformat()]) == 2
        assert f"--as-of {forged.isoformat()}: The measuring date cannot be" in (
            capsys.readouterr().err
        )
    assert len(list(folder.iterdir())) == 1
