"""The demonstration authority: synthetic children, one login per role.

``build_demo`` is what ``permanence demo`` runs before it starts the web server. The
children come from the project's own generator; no real child's data is ever used.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from permanence.analysis.benchmarking import Section
from permanence.synth import generate
from permanence.synth.generator import default_improvement_start
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.dashboards.models import ChildPopulation
from permanence.web.improvement.demo import prepare_demo_improvement
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.demo import prepare_demo_meetings
from permanence.web.national.publication import reference_date
from permanence.web.national.sharing import decide
from permanence.web.planning.demo import prepare_demo_planning
from permanence.web.records.importing import import_extract
from permanence.web.records.loading import LoadSummary, load_tables
from permanence.web.records.models import ImportBatch

DEMO_AUTHORITY_CODE = "DEMO"
DEMO_AUTHORITY_NAME = "Glenlochy Council (synthetic)"
# The demo runs on 127.0.0.1 only, with synthetic data; a shared password keeps it simple.
DEMO_PASSWORD = "permanence-demo"  # noqa: S105
DEMO_USERS: tuple[tuple[str, Role, str, str], ...] = (
    ("admin", Role.ADMINISTRATOR, "Aileen", "Administrator"),
    ("datalead", Role.DATA_LEAD, "Duncan", "Data Lead"),
    ("practitioner", Role.PRACTITIONER, "Priya", "Practitioner"),
    ("viewer", Role.VIEWER, "Vhairi", "Viewer"),
    ("national", Role.NATIONAL, "Nadia", "National Team"),
)
#: Two neighbouring synthetic authorities that, with the demo's own, share their figures
#: with the national team, so the national picture has something to compare. Nobody
#: signs in to them: their children only reach the demo as national aggregates.
DEMO_NEIGHBOURS: tuple[tuple[str, str, int], ...] = (
    ("STRATH", "Strathmore Council (synthetic)", 900),
    ("KINLOCH", "Kinloch Council (synthetic)", 250),
)


@dataclass(frozen=True)
class DemoSummary:
    authority: LocalAuthority
    children: int
    care_periods: int
    load: LoadSummary


def build_demo(*, children: int, seed: int, years: float, as_of: date) -> DemoSummary:
    """Create the schema, a synthetic authority with ``children`` children, and the logins.

    The children come in as a real extract does: written as the import format, checked
    by every validation rule and loaded by the import, so the demo's imports page and
    data-quality report show what the check found.
    """
    call_command("migrate", verbosity=0, interactive=False)
    tables = generate(children, seed, end=as_of, years=years)
    with scoped_to(Scope.everything()), transaction.atomic():
        authority, _ = LocalAuthority.objects.get_or_create(
            code=DEMO_AUTHORITY_CODE, defaults={"name": DEMO_AUTHORITY_NAME}
        )
        _create_users(authority)
    with tempfile.TemporaryDirectory(prefix="permanence-demo-") as folder:
        files = write_csv(tables, Path(folder))
        outcome = import_extract(files, authority=authority, extract_date=as_of)
    if outcome.load is None:  # pragma: no cover - import_extract loads unless a dry run
        raise RuntimeError("the demo extract was not loaded")
    _prepare_review_planning(authority, as_of)
    _prepare_improvement_record(authority, as_of)
    _prepare_population(authority, children=children, years=years, as_of=as_of)
    prepare_demo_meetings(authority, as_of=as_of, seed=seed)
    _prepare_national_picture(authority, seed=seed, years=years, as_of=as_of)
    return DemoSummary(
        authority=authority,
        children=tables.children.height,
        care_periods=tables.care_periods.height,
        load=outcome.load,
    )


def _create_users(authority: LocalAuthority) -> None:
    for username, role, first_name, last_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                # The national team belongs to no authority.
                "authority": None if role is Role.NATIONAL else authority,
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@demo.invalid",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()


def _prepare_review_planning(authority: LocalAuthority, as_of: date) -> None:
    """Review planning's part of the demo: due and overdue lists, and the feed addresses."""
    lines = prepare_demo_planning(
        authority, as_of=as_of, improvement_start=default_improvement_start(as_of)
    )
    print("\n".join(lines))


def _prepare_improvement_record(authority: LocalAuthority, as_of: date) -> None:
    """The improvement record's part: a project with its driver diagram, cycles and measures."""
    prepare_demo_improvement(
        authority, as_of=as_of, improvement_start=default_improvement_start(as_of)
    )


#: Said beside every rate the demo shows: its population is as synthetic as its children.
DEMO_POPULATION_SOURCE = "A synthetic figure for the demo authority, not a published estimate"


def _prepare_population(
    authority: LocalAuthority, *, children: int, years: float, as_of: date
) -> None:
    """The children aged 0 to 17 the process map's rates per 1,000 divide by, for every
    year the demo covers: about 80 for each child in the extract (so a few years'
    children in care are some 12 in every 1,000, near Scotland's rate), rising a little
    each year. A real authority enters the published estimates."""
    first = as_of.year - int(years) - 1
    with scoped_to(Scope.authority(authority.pk)):
        for year in range(first, as_of.year + 1):
            ChildPopulation.objects.update_or_create(
                authority=authority,
                year=year,
                defaults={
                    "children": int(round(children * 80 * (1 + 0.004 * (year - first)), -1)),
                    "source": DEMO_POPULATION_SOURCE,
                },
            )


def _prepare_national_picture(
    authority: LocalAuthority, *, seed: int, years: float, as_of: date
) -> None:
    """The demo authority and two synthetic neighbours share their figures nationally."""
    sharing = [authority]
    for offset, (code, name, children) in enumerate(DEMO_NEIGHBOURS, start=1):
        tables = generate(children, seed + offset, end=as_of, years=years)
        with scoped_to(Scope.everything()):
            neighbour, _ = LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})
            batch = ImportBatch.objects.create(
                authority=neighbour,
                source=f"permanence synth --children {children} --seed {seed + offset}",
                extract_date=as_of,
            )
        load_tables(tables, authority=neighbour, batch=batch)
        sharing.append(neighbour)
    with scoped_to(Scope.everything()):
        admin = User.objects.get(username=DEMO_USERS[0][0])
    for each in sharing:
        decide(
            each,
            set(Section),
            by=admin if each == authority else None,
            note="The demonstration: every section shared.",
            as_of=reference_date(as_of),
        )
