"""Telling a person that long work they started has ended, in their notifications.

A load of an extract or a report pack runs in the worker; the person can leave its page.
When it ends (done, or failed for good: ``tasks.jobs.job_ended``), the person who started
it finds a notice in their notifications, with a link to the import page or the pack, so
they are told even if they never came back to the page. Once per job; only the person who
started it, and only while they belong to the job's authority.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from permanence.web.accounts.models import User
from permanence.web.planning.models import NoticeState, Notification
from permanence.web.tasks.jobs import job_ended
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import outcome_words

#: The work people start and are told about when it ends, and where its result is shown.
TOLD: dict[str, str] = {
    Job.Kind.LOAD: "import-detail",
    Job.Kind.REPORT_PACK: "reports-pack-making",
}


def link_of(job: Job) -> str:
    if job.kind == Job.Kind.LOAD:
        return reverse(TOLD[job.kind], args=[job.arguments["batch"]])
    return reverse(TOLD[job.kind], args=[job.pk])


@receiver(job_ended, dispatch_uid="planning-work-finished-notice")
def tell_who_started_it(sender: Any, job: Job, **kwargs: Any) -> None:
    if job.kind not in TOLD or job.started_by_id is None or job.is_active:
        return
    person = User.objects.filter(
        pk=job.started_by_id, authority_id=job.authority_id, is_active=True
    ).first()
    if person is None:  # left the authority meanwhile: nobody else is told its work
        return
    done = job.state == Job.State.DONE
    what = f"{job.get_kind_display()}: {outcome_words(job)}"
    Notification.objects.bulk_create(
        [
            Notification(
                authority_id=job.authority_id,
                recipient=person,
                state=NoticeState.WORK_DONE if done else NoticeState.WORK_FAILED,
                what=what if len(what) <= 200 else what[:199] + "…",
                link=link_of(job),
                key=f"job:{job.pk}",
                created_on=timezone.localdate(),
            )
        ],
        ignore_conflicts=True,  # told once, however many times the end is told
    )
