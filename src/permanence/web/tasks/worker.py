"""The worker: runs the queued jobs, and looks after what nobody asked for.

``permanence worker`` runs django-tasks' database worker (``db_worker``), which takes one
try at a time from the queue, in this process. Beside it, every ``HOUSEKEEPING_SECONDS``,
a thread:

- puts back on the queue the jobs a stopped worker left behind (``jobs.recover``);
- from ``PERMANENCE_ALERTS_AT`` each day, queues each authority's daily alert digest
  (once a day for each: the key and the digest's own records see to that);
- once a day (on its first round, then on the first round of each new day), does the
  daily work the apps above it handed it (``every_day``): sweeping away the upload
  folders a crash left behind (``records.uploads``);
- records the jobs asked for, and logs the views of children's records, kept while a
  load held the embedded database;
- clears the queue's records of tries that ended more than ``KEEP_TRIES`` ago (the
  ``Job`` rows people see are kept).

Several workers may run at once, on one machine or several (PostgreSQL): each try is
claimed by one of them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority
from permanence.web.audit.log import flush_spooled_views
from permanence.web.kernel.database import while_busy
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.tasks.jobs import (
    WORKER_NAME,
    AlreadyActive,
    recover,
    start_job,
    start_kept_jobs,
)
from permanence.web.tasks.models import Job

logger = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 30
KEEP_TRIES = timedelta(days=30)

DailyWork = Callable[[datetime], object]
_DAILY: dict[str, DailyWork] = {}
_DONE_ON: dict[str, date] = {}


def run_worker(*, interval: float = 1.0, housekeeping: bool = True) -> None:
    """Run the worker until it is stopped (SIGTERM or Ctrl+C: the try under way finishes)."""
    if housekeeping:
        threading.Thread(target=_housekeeping_loop, name="housekeeping", daemon=True).start()
    call_command(
        "db_worker",
        queue_name="default",
        interval=interval,
        reload=False,
        worker_id=WORKER_NAME[-64:],
        verbosity=1,
    )


def _housekeeping_loop() -> None:
    stop = threading.Event()
    while True:
        try:
            housekeeping()
        except Exception:
            logger.exception("the worker's housekeeping failed; it runs again shortly")
        finally:
            connection.close()  # this thread's own connection, opened afresh each time
        stop.wait(HOUSEKEEPING_SECONDS)


def housekeeping(now: datetime | None = None) -> None:
    """One round of what the worker does unasked (see the module)."""
    now = now or timezone.now()
    recovered = while_busy(lambda: recover(now), patience=60)
    if recovered:
        logger.info("queued again %s job(s) a stopped worker left behind", len(recovered))
    queue_daily_digests(timezone.localtime(now))
    do_daily_work(now)
    while_busy(start_kept_jobs, patience=60)
    while_busy(flush_spooled_views, patience=60)
    while_busy(lambda: _clear_old_tries(now), patience=60)


def every_day(work: DailyWork) -> DailyWork:
    """Have the worker do ``work(now)`` once a day: an app above the queue hands it its
    daily work this way (in its ``ready``), as the queue may not import the app. Work that
    is safe to do twice only: each worker does it, and again after a restart."""
    _DAILY[f"{work.__module__}.{work.__qualname__}"] = work
    return work


def do_daily_work(now: datetime) -> list[str]:
    """Do each piece of daily work not yet done today by this worker; returns their names.
    Work that fails is logged and tried again on the next round."""
    day = timezone.localtime(now).date()
    done: list[str] = []
    for name, work in _DAILY.items():
        if _DONE_ON.get(name) == day:
            continue
        try:
            work(now)
        except Exception:
            logger.exception("the daily work %s failed; it is tried again shortly", name)
            continue
        _DONE_ON[name] = day
        done.append(name)
    return done


def digest_key(authority_id: int, day: date) -> str:
    """An authority's digest of a day: one at a time (review planning sends it)."""
    return f"alert-digest:{authority_id}:{day.isoformat()}"


def queue_daily_digests(now: datetime) -> list[Job]:
    """Queue each authority's digest for today, once, from ``PERMANENCE_ALERTS_AT``."""
    hour, minute = (int(part) for part in str(settings.PERMANENCE_ALERTS_AT).split(":"))
    if now.time() < time(hour, minute):
        return []
    day = now.date()
    started: list[Job] = []
    with scoped_to(Scope.everything()):
        authority_ids = list(LocalAuthority.objects.values_list("pk", flat=True))
        already = set(
            Job.objects.filter(kind=Job.Kind.ALERT_DIGEST, arguments__day=day.isoformat())
            .exclude(state=Job.State.FAILED)
            .values_list("authority_id", flat=True)
        )
    site_url = getattr(settings, "PERMANENCE_SITE_URL", "")
    for authority_id in authority_ids:
        if authority_id in already:
            continue

        def start(authority_id: int = authority_id) -> Job:
            return start_job(
                Job.Kind.ALERT_DIGEST,
                authority_id,
                arguments={"day": day.isoformat(), "site_url": site_url},
                key=digest_key(authority_id, day),
            )

        try:
            started.append(while_busy(start, patience=60))
        except AlreadyActive:
            continue  # another worker queued it first
    return started


def _clear_old_tries(now: datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_TRIES)
    deleted, _ = finished.delete()
    return deleted
