"""Making the report pack, as a job the worker runs (``tasks.jobs``).

Making the pack takes a while (5 to 11 seconds for a typical authority: every chart is
drawn twice, as SVG for the PDF and PNG for the slides), so the button starts a job and
the page follows it: "Gathering the figures", then each chart drawn and each file
written, then the three files to download.

Safe to run again: each try makes a whole pack and keeps it only once every file is
written (``storage.save``), so a try that failed part-way leaves no half pack behind.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from permanence.reports.files import make_files
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.reports import storage
from permanence.web.reports.assemble import pack_content
from permanence.web.tasks.jobs import runs
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress


@runs(Job.Kind.REPORT_PACK)
def make_pack(job: Job, progress: Progress) -> dict[str, Any]:
    started = time.perf_counter()
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.get(pk=job.authority_id)
    since = job.arguments.get("since")
    measured_on = job.arguments.get("measured_on")
    progress.stage("Gathering the figures")
    content = pack_content(
        authority,
        as_of=date.fromisoformat(job.arguments["as_of"]),
        since=date.fromisoformat(since) if since else None,
        measured_on=date.fromisoformat(measured_on) if measured_on else None,
    )
    progress.stage("Drawing the charts and writing the files", unit="charts and files")
    files = make_files(content, progress=progress.set_done)
    progress.finish_stage()
    token = storage.save(
        authority.pk,
        content,
        files,
        made_by=_name(job),
        seconds=time.perf_counter() - started,
    )
    return {"token": token, "words": f"The report pack is ready: {content.title}."}


def _name(job: Job) -> str:
    if job.started_by_id is None:
        return ""
    user = User.objects.filter(pk=job.started_by_id).first()
    return (user.get_full_name() or user.get_username()) if user else ""
