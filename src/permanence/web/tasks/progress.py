"""How far a running job has got, as people see it.

A job reports its progress while it works: the stage it is at in words ("Loading the
records") and how many of how many rows or pages are done. The progress is written to a
small file per job under ``DATA_DIR/task-progress`` rather than to the database: a load
holds its transaction open while it writes, and on the embedded database nothing else
can be written until it commits, so progress kept in the database would only appear at
the end. The web server and the worker share ``DATA_DIR`` already (uploads go in, report
packs come out), so the file is where both can reach it. When the job stops, its last
progress is kept on the ``Job`` row and the file goes.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from permanence.web.tasks.models import Job

FOLDER = "task-progress"
#: A running job writes its progress at most this often (seconds).
WRITE_EVERY = 0.5
#: Work that has waited this long for a worker to start it is pointed out to people: the
#: worker may be busy with a long load, or not running at all.
STALLED_AFTER = timedelta(minutes=10)
STALLED_WORDS = (
    "It has waited more than 10 minutes for the worker to start it: the worker may be busy "
    "with other work, or stopped. Your administrator can see the work waiting on the "
    "Background work page."
)


@dataclass
class Figures:
    stage: str = ""
    done: int = 0
    total: int | None = None
    unit: str = ""


def progress_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / FOLDER / f"{int(job_id)}.json"


class Progress:
    """What a running job calls to say how far it has got."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.figures = Figures()
        self._written_at = 0.0

    def stage(self, words: str, *, total: int | None = None, unit: str = "") -> None:
        """A new stage of the work, with how many ``unit`` it will take (if known)."""
        self.figures = Figures(stage=words, done=0, total=total, unit=unit)
        self.write()

    def advance(self, count: int = 1) -> None:
        self.set_done(self.figures.done + count)

    def set_done(self, done: int, total: int | None = None) -> None:
        self.figures.done = done
        if total is not None:
            self.figures.total = total
        if time.monotonic() - self._written_at >= WRITE_EVERY:
            self.write()

    def finish_stage(self) -> None:
        if self.figures.total is not None:
            self.figures.done = self.figures.total
        self.write()

    def write(self) -> None:
        """Write the progress now (``set_done`` writes at most every ``WRITE_EVERY``)."""
        path = progress_path(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(json.dumps(asdict(self.figures)), encoding="utf-8")
        os.replace(partial, path)  # a reader never sees half a file
        self._written_at = time.monotonic()

    def remove(self) -> None:
        progress_path(self.job_id).unlink(missing_ok=True)


def live_figures(job: Job) -> Figures:
    """A job's progress now: its file while it runs, else what its row kept."""
    if job.state == Job.State.RUNNING:
        try:
            stored = json.loads(progress_path(job.pk).read_text(encoding="utf-8"))
            return Figures(**stored)
        except (OSError, ValueError, TypeError):
            pass
    return Figures(stage=job.stage, done=job.done, total=job.total, unit=job.unit)


def describe(job: Job, *, result_url: str = "") -> dict[str, Any]:
    """A job's state, progress and outcome, in words and figures, for a page or its
    progress address (the same dictionary serves both)."""
    figures = live_figures(job)
    total = figures.total if figures.total else None
    percent = min(round(100 * figures.done / total), 100) if total else None
    return {
        "id": job.pk,
        "kind": job.kind,
        "what": job.get_kind_display(),
        "state": job.state,
        "state_label": job.get_state_display(),
        "finished": job.is_finished,
        "stage": figures.stage,
        "done": figures.done,
        "total": total,
        "unit": figures.unit,
        "percent": percent,
        "text": _progress_words(job, figures),
        "stalled": stalled(job),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error": job.error,
        "outcome": outcome_words(job),
        "result_url": result_url if job.state == Job.State.DONE else "",
        "progress_url": reverse("task-progress", args=[job.pk]),
    }


def stalled(job: Job, now: datetime | None = None) -> bool:
    """Whether the job should have started by now and no worker has started it."""
    since = (now or timezone.now()) - STALLED_AFTER
    if job.state == Job.State.QUEUED:
        # A load waiting its authority's turn says so afresh every few seconds.
        return job.updated_at < since
    if job.state == Job.State.RETRYING:
        return job.retry_at is not None and job.retry_at < since
    return False


def _progress_words(job: Job, figures: Figures) -> str:
    if stalled(job):
        return STALLED_WORDS
    if job.state == Job.State.QUEUED:
        return figures.stage or "Waiting for the worker to start it."
    if job.state == Job.State.RETRYING:
        when = job.retry_at.astimezone().strftime("%H:%M") if job.retry_at else "shortly"
        return f"Try {job.attempts} of {job.max_attempts} failed; it will be tried again at {when}."
    if job.state == Job.State.RUNNING:
        if figures.total:
            unit = f" {figures.unit}" if figures.unit else ""
            return (
                f"{figures.stage}: {number_format(figures.done, force_grouping=True)} of "
                f"{number_format(figures.total, force_grouping=True)}{unit}."
            )
        return f"{figures.stage or 'Starting'}."
    return outcome_words(job)


def outcome_words(job: Job) -> str:
    if job.state == Job.State.DONE:
        return str(job.result.get("words") or "Done.")
    if job.state == Job.State.FAILED:
        tries = "once" if job.attempts == 1 else f"{job.attempts} times"
        return f"It failed, and was tried {tries}: {job.error}"
    return ""
