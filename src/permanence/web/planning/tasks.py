"""Review planning's work in the worker (``tasks.jobs``): replanning after a load or a
new policy, and each authority's daily alert digest.

Both are safe to run again: the planner works the planned meetings out afresh from the
records and the policy each time, and the digest sends nobody the same thing twice (a
second run on the same day sends nothing).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from permanence.web.planning.alerts import run_alerts
from permanence.web.planning.planner import periods_needing_planning, replan_periods
from permanence.web.tasks.jobs import runs
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress

#: Care periods replanned at a time, for the progress.
STEP = 1000


@runs(Job.Kind.REPLAN)
def replan(job: Job, progress: Progress) -> dict[str, Any]:
    """Replan the care periods a load touched, or (``all_open``) every open one."""
    today = timezone.localdate()
    if job.arguments.get("all_open"):
        ids = periods_needing_planning(today)
    else:
        ids = sorted(set(job.arguments.get("care_period_ids", [])))
    progress.stage("Planning reviews", total=len(ids), unit="care periods")
    planned = 0
    for start in range(0, len(ids), STEP):
        planned += replan_periods(ids[start : start + STEP], today=today).periods
        progress.set_done(min(start + STEP, len(ids)))
    return {"periods": planned, "words": f"Reviews planned for {planned:,} care periods."}


@runs(Job.Kind.ALERT_DIGEST)
def digest(job: Job, progress: Progress) -> dict[str, Any]:
    day = date.fromisoformat(job.arguments["day"])
    progress.stage("Sending the digest")
    summary = run_alerts(
        day, site_url=job.arguments.get("site_url", ""), authority_ids=[job.authority_id]
    )
    if summary.failures:
        # The ones sent stay sent (and are not sent again): the next try sends the rest.
        raise RuntimeError("could not send: " + "; ".join(summary.failures[:5]))
    people = "1 person" if summary.emails_sent == 1 else f"{summary.emails_sent} people"
    return {
        "emails": summary.emails_sent,
        "notices": summary.new_notices,
        "words": f"Digest sent to {people}; {summary.new_notices} new notices.",
    }
