"""Authority A as a synthetic authority with an improvement record and a checked import;
authority B with its markers (and its own improvement record) that A must never see.

A's children come from the project's generator with every reference made distinctive
("REF-" and the generated number) and every child's initials "XQZ". The import that
loaded them kept the real data-quality figures of a messy extract of the same children.
A's improvement record has a cycle closed and a cycle begun since the last meeting, and
an open risk, each carrying a marker the pack must show. Made packs are kept in a
temporary folder, and "today" is fixed for the dashboards' cache and the command alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.utils import timezone

from permanence.journey.tables import JourneyTables
from permanence.synth import default_improvement_start, generate
from permanence.synth.messy import make_messy
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import (
    ChangeIdea,
    Decision,
    ImprovementProject,
    PdsaCycle,
    Risk,
)
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.importing import check_extract
from permanence.web.records.loading import load_tables
from permanence.web.records.models import Child, ImportBatch

from ..conftest import PASSWORD, journey_tables
from ..improvement.conftest import improvement_record

REF_PREFIX = "REF-"
INITIALS = "XQZ"
CHILDREN = 70
MARKS = ("LEARNED-MARK", "NEXT-MARK", "BEGUN-MARK", "RISK-MARK")

__all__ = ["INITIALS", "MARKS", "PASSWORD", "REF_PREFIX", "Alpha", "signed_in"]


@dataclass(frozen=True)
class Alpha:
    authority: LocalAuthority
    other: LocalAuthority
    today: date
    errors: int
    queries: int
    references: tuple[str, ...]
    # A's children's dates of birth that are no other date in A's records, so finding one
    # in a pack can only mean a date of birth went into it.
    births: tuple[date, ...]


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


@pytest.fixture(autouse=True)
def kept_apart(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Packs go to a temporary folder; the dashboards' cache starts empty."""
    settings.DATA_DIR = tmp_path / "data"
    cache.STORE.clear()
    yield
    cache.STORE.clear()


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    day = timezone.localdate()
    monkeypatch.setattr(cache, "today", lambda: day)
    return day


def _import_with_figures(
    authority: LocalAuthority, tables: JourneyTables, folder: Path, day: date
) -> tuple[int, int]:
    folder.mkdir(parents=True)
    for name, table in make_messy(tables, 3).items():
        table.write_csv(folder / f"{name}.csv")
    _, validation = check_extract(sorted(folder.iterdir()), profile=None, extract_date=day)
    from permanence.ingest.quality_report import summarise

    with scoped_to(Scope.authority(authority.pk)):
        batch = ImportBatch.objects.create(
            authority=authority,
            source="alpha-extract.csv",
            extract_date=day,
            summary={"validation": summarise(validation)},
            loaded_at=timezone.now(),
        )
    load_tables(tables, authority=authority, batch=batch)
    return validation.error_count, validation.query_count


def _improvement(authority: LocalAuthority, day: date) -> None:
    with scoped_to(Scope.authority(authority.pk)):
        project = ImprovementProject.objects.create(
            authority=authority,
            title="Permanence within 26 weeks",
            national_aim="aim_2",
            improvement_start=default_improvement_start(day),
        )
        idea = ChangeIdea.objects.create(
            authority=authority, project=project, title="2-week planning meeting"
        )
        closed = PdsaCycle.objects.create(
            authority=authority,
            change_idea=idea,
            hoped_to_achieve="Permanence is discussed with parents within 14 days.",
            started_on=day - timedelta(days=40),
            learned="LEARNED-MARK: nine of eleven meetings were held in time.",
            next_steps="NEXT-MARK: the South team next.",
        )
        closed.close(day - timedelta(days=3), Decision.ADAPT)
        PdsaCycle.objects.create(
            authority=authority,
            change_idea=idea,
            follows=closed,
            hoped_to_achieve="BEGUN-MARK: the same in the South team.",
            started_on=day - timedelta(days=2),
        )
        Risk.objects.create(
            authority=authority,
            project=project,
            description="RISK-MARK: solicitor capacity over the summer.",
            owner="Head of legal services",
            likelihood=4,
            impact=3,
            raised_on=day - timedelta(days=60),
        )


@pytest.fixture
def alpha(
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    load: Callable[..., object],
    today: date,
    tmp_path: Path,
) -> Alpha:
    tables = distinctive(generate(CHILDREN, 11, end=today))
    errors, queries = _import_with_figures(authority_a, tables, tmp_path / "extract", today)
    load(
        authority_b,
        journey_tables("B-SECRET-REF", team="Bravo Locality Team", initials="ZQ"),
        "bravo-extract.csv",
    )
    _improvement(authority_a, today)
    improvement_record(authority_b, "bravo-")
    with scoped_to(Scope.authority(authority_a.pk)):
        references = tuple(Child.objects.values_list("child_ref", flat=True))
    return Alpha(
        authority_a, authority_b, today, errors, queries, references, _births_only(tables, today)
    )


def _births_only(tables: JourneyTables, today: date) -> tuple[date, ...]:
    other_dates = {today}
    for name, table in tables.items():
        for column, dtype in table.schema.items():
            if dtype == pl.Date and (name, column) != ("children", "date_of_birth"):
                other_dates |= set(table.get_column(column).drop_nulls().to_list())
    births = set(tables.children.get_column("date_of_birth").drop_nulls().to_list())
    return tuple(sorted(births - other_dates))


def signed_in(client: Client, user: User) -> Client:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client
