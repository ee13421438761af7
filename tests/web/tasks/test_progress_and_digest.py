"""What a person sees of a job under way: its progress on the page (an accessible bar and
words in a live region, no inline script) and at its progress address, updating as the
worker reports; the worker queues each authority's daily digest once, from its hour."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import ImportBatch
from permanence.web.tasks.jobs import start_job
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress
from permanence.web.tasks.worker import queue_daily_digests

from .conftest import signed_in


def running_load(batch: ImportBatch) -> Job:
    """A load the worker has claimed, as the page sees it while it runs."""
    job = start_job(
        Job.Kind.LOAD, batch.authority, arguments={"batch": batch.pk}, key=f"load-batch:{batch.pk}"
    )
    with scoped_to(Scope.everything()):
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=1)
    job.refresh_from_db()
    return job


def test_the_import_page_follows_a_load_as_the_worker_reports_it(
    queue: None, lead: Client, previewed: ImportBatch
) -> None:
    job = running_load(previewed)
    progress = Progress(job.pk)
    progress.stage("Loading the records", total=4000, unit="rows")
    progress.set_done(1000)
    progress.write()  # as the next write after the throttle would

    page = lead.get(f"/imports/{previewed.pk}/").content.decode()
    assert re.search(r'<progress[^>]* max="4000" value="1000"', page), page
    assert 'role="status" aria-live="polite"' in page
    assert "Loading the records: 1,000 of 4,000 rows." in page
    assert "Check progress again" in page  # without JavaScript, a reload link
    assert "Load the extract</button>" not in page  # no second button while it loads
    # Scripts come from static files only, for a strict Content-Security-Policy.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "tasks/progress.js" in page

    figures = json.loads(lead.get(f"/work/{job.pk}/progress.json").content)
    assert (figures["done"], figures["total"], figures["percent"]) == (1000, 4000, 25)
    progress.set_done(3000)
    progress.write()
    figures = json.loads(lead.get(f"/work/{job.pk}/progress.json").content)
    assert (figures["done"], figures["finished"]) == (3000, False)


def test_who_may_follow_a_load(
    queue: None, client: Client, users_a: dict[Role, User], previewed: ImportBatch
) -> None:
    job = running_load(previewed)
    address = f"/work/{job.pk}/progress.json"
    assert signed_in(client, users_a[Role.DATA_LEAD]).get(address).status_code == 200
    viewer = signed_in(Client(), users_a[Role.VIEWER])
    assert viewer.get(address).status_code == 404  # a viewer does not bring in extracts
    assert Client().get(address).status_code == 302  # signed out: to the sign-in page


def test_each_authoritys_digest_is_queued_once_a_day_from_its_hour(
    queue: None, authority_a: LocalAuthority, authority_b: LocalAuthority, settings: Any
) -> None:
    settings.PERMANENCE_ALERTS_AT = "07:00"
    early = timezone.make_aware(datetime(2026, 3, 2, 6, 59))
    assert queue_daily_digests(early) == []
    later = timezone.make_aware(datetime(2026, 3, 2, 7, 0))
    started = queue_daily_digests(later)
    assert sorted(job.authority_id for job in started) == sorted([authority_a.pk, authority_b.pk])
    assert queue_daily_digests(later.replace(hour=9)) == []  # once a day
    with scoped_to(Scope.everything()):
        assert Job.objects.filter(kind=Job.Kind.ALERT_DIGEST).count() == 2
    assert len(queue_daily_digests(later.replace(day=3))) == 2  # and again the next day
