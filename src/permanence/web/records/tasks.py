"""Loading a previewed extract, as a job the worker runs (``tasks.jobs``).

The data lead's "Load the extract" starts one ``LOAD`` job for the batch (its key makes a
second click find the first); the worker runs ``load_batch``, which:

1. takes the authority's load lock, or goes back on the queue to wait its turn while
   another load of the authority holds it;
2. checks the rows again from the uploaded files ("rows checked");
3. loads them in one transaction ("rows loaded"), all or nothing.

Safe to run again: a batch loaded already (an earlier try that got as far as its commit)
is reported done, never loaded twice; a try that failed part-way left nothing behind
(the transaction), so the next one starts afresh.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format

from permanence.web.accounts.models import User
from permanence.web.records.importing import AlreadyLoaded, Stages, confirm_upload
from permanence.web.records.loading import LoadProgress, LoadSummary
from permanence.web.records.models import ImportBatch
from permanence.web.tasks.jobs import TryLater, queue_can_wait, runs
from permanence.web.tasks.locks import AuthorityBusy
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress

WAITING_WORDS = "Waiting for another extract of the authority to finish loading."


def load_key(batch: ImportBatch) -> str:
    """The key of a batch's load: one at a time."""
    return f"load-batch:{batch.pk}"


class _JobStages(Stages):
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def checking(self, rows: int) -> None:
        self.progress.stage("Checking the rows again", total=rows or None, unit="rows")

    def checked(self) -> None:
        self.progress.finish_stage()

    def loading(self, rows: int) -> LoadProgress:
        self.progress.stage("Loading the records", total=rows or None, unit="rows")
        return self.progress.set_done


@runs(Job.Kind.LOAD)
def load_batch(job: Job, progress: Progress) -> dict[str, Any]:
    batch = ImportBatch.objects.select_related("authority").get(pk=job.arguments["batch"])
    user = User.objects.filter(pk=job.started_by_id).first() if job.started_by_id else None
    try:
        # A real queue puts a waiting load back on it; run at once (the tests), it waits here.
        summary = confirm_upload(
            batch, user, wait=not queue_can_wait(), stages=_JobStages(progress)
        )
    except AuthorityBusy:
        raise TryLater(WAITING_WORDS) from None
    except AlreadyLoaded:
        return {"batch": batch.pk, "words": "The extract had been loaded already."}
    return {"batch": batch.pk, "words": loaded_words(summary)}


def loaded_words(summary: LoadSummary) -> str:
    """One sentence of what a load did, for the notice when it finishes."""
    tables = summary.tables
    children = tables.get("children")
    added = sum(table.added for table in tables.values())
    changed = sum(table.changed for table in tables.values())
    parts = [
        f"{number_format(added, force_grouping=True)} records added",
        f"{number_format(changed, force_grouping=True)} changed",
    ]
    if children is not None:
        parts.append(f"{number_format(children.added, force_grouping=True)} of them new children")
    return "The extract was loaded: " + ", ".join(parts) + "."
