"""Run by the concurrency tests inside a test site's own environment (its own database,
its own DATA_DIR), as ``python sitescript.py COMMAND [JSON]``: sets the site up and says
what is in it, as JSON on the last line of its output."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from permanence.synth import generate  # noqa: E402
from permanence.synth.writers import write_csv  # noqa: E402
from permanence.web.accounts.models import LocalAuthority, User  # noqa: E402
from permanence.web.accounts.roles import Role  # noqa: E402
from permanence.web.audit.models import RecordView  # noqa: E402
from permanence.web.kernel.scope import Scope, scoped_to  # noqa: E402
from permanence.web.planning.models import PlannedMeeting  # noqa: E402
from permanence.web.planning.planner import replan_periods  # noqa: E402
from permanence.web.records.importing import import_extract, preview_upload  # noqa: E402
from permanence.web.records.models import CarePeriod, Child, ImportBatch  # noqa: E402
from permanence.web.tasks.models import Job  # noqa: E402

CODE = "ALPHA"
PASSWORD = "a-long-test-password"
EXTRACT_DATE = date(2025, 3, 31)


def authority() -> LocalAuthority:
    with scoped_to(Scope.everything()):
        return LocalAuthority.objects.get(code=CODE)


def prepare(arguments: dict[str, Any]) -> dict[str, Any]:
    """An authority, a signed-in session per role, and its records from a first extract."""
    with scoped_to(Scope.everything()):
        alpha = LocalAuthority.objects.create(code=CODE, name="Alpha Council")
    sessions = {}
    for role in (Role.DATA_LEAD, Role.ADMINISTRATOR, Role.PRACTITIONER):
        user = User.objects.create_user(
            username=role.value, password=PASSWORD, authority=alpha, role=role
        )
        client = Client()
        client.force_login(user)  # the throttle (on in production) needs a real request
        sessions[role.value] = client.cookies["sessionid"].value
    first = int(arguments.get("first_children", 0))
    if first:
        folder = Path(settings.DATA_DIR) / "first-extract"
        files = write_csv(generate(first, 7, end=EXTRACT_DATE), folder)
        import_extract(files, authority=alpha, extract_date=EXTRACT_DATE)
    with scoped_to(Scope.authority(alpha.pk)):
        child = Child.objects.order_by("pk").values_list("pk", flat=True).first()
    return {"authority": alpha.pk, "sessions": sessions, "child": child}


def extract(arguments: dict[str, Any]) -> dict[str, Any]:
    """A synthetic extract written as CSV files to ``folder``."""
    folder = Path(arguments["folder"])
    write_csv(
        generate(int(arguments["children"]), int(arguments["seed"]), end=EXTRACT_DATE), folder
    )
    return {"folder": str(folder)}


def preview(arguments: dict[str, Any]) -> dict[str, Any]:
    """The extract in ``folder`` uploaded by the data lead and previewed (not loaded)."""
    upload = Path(settings.DATA_DIR) / "uploads" / CODE / arguments["name"]
    shutil.copytree(arguments["folder"], upload)
    batch = preview_upload(
        upload,
        authority=authority(),
        profile="canonical",
        extract_date=EXTRACT_DATE,
        user=User.objects.get(username=Role.DATA_LEAD.value),
    )
    return {"batch": batch.pk}


def state(arguments: dict[str, Any]) -> dict[str, Any]:
    """Batches, jobs and planned meetings as they are now."""
    with scoped_to(Scope.authority(authority().pk)):
        jobs = [
            {
                "id": job.pk,
                "kind": job.kind,
                "state": job.state,
                "attempts": job.attempts,
                "stage": job.stage,
                "error": job.error,
                "batch": job.arguments.get("batch"),
                "started_at": job.started_at.timestamp() if job.started_at else None,
            }
            for job in Job.objects.order_by("pk")
        ]
        batches = [
            {
                "id": batch.pk,
                "status": batch.status,
                "loaded_at": batch.loaded_at.timestamp() if batch.loaded_at else None,
            }
            for batch in ImportBatch.objects.order_by("pk")
        ]
        return {
            "jobs": jobs,
            "batches": batches,
            "children": Child.objects.count(),
            "record_views": RecordView.objects.count(),
        }


def planning(arguments: dict[str, Any]) -> dict[str, Any]:
    """The planned meetings now, any planned twice, and what a full replan makes of them."""
    with scoped_to(Scope.authority(authority().pk)):
        rows = PlannedMeeting.objects.values("care_period", "kind", "number", "due_date")
        planned = sorted(tuple(str(value) for value in row.values()) for row in rows)
        twice = (
            PlannedMeeting.objects.values("care_period", "kind", "number")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        replan_periods(CarePeriod.objects.values_list("pk", flat=True))
        again = sorted(tuple(str(value) for value in row.values()) for row in rows.all())
    return {"planned": len(planned), "twice": twice, "same_after_full_replan": planned == again}


COMMANDS = {
    "prepare": prepare,
    "extract": extract,
    "preview": preview,
    "state": state,
    "planning": planning,
}

if __name__ == "__main__":
    given = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(COMMANDS[sys.argv[1]](given)))
