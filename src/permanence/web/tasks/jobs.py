"""Starting long work, running it, trying it again, and saying how it ended.

``start_job`` records a ``Job`` and puts one attempt of it on the queue once the
transaction that asked for it commits. The worker (``permanence worker``) runs
``run_job``, which claims the job (so two workers never run it at once), runs the
runner its app registered for the kind (``runs``), and records the outcome:

- done: the runner's result (with its words for people) is kept;
- the runner cannot start yet (``TryLater``: another load of the authority is running):
  it goes back on the queue to wait its turn, and this does not count as a try;
- it failed: tried again after ``PERMANENCE_TASK_RETRY_SECONDS`` (15 s, 1 min, 5 min,
  then every 5 min), up to ``PERMANENCE_TASK_ATTEMPTS`` tries in all; then it is shown
  as failed, with what went wrong in words, on the page where it was started and on the
  administrators' status page.

Every runner must be safe to run again: a try that failed part-way may be followed by
another, and a worker that stopped mid-way (restarted, or the machine went down) leaves
its job to be tried again (``recover``).

Tasks run outside any request, so each runs in its job's authority scope.

On the embedded database a load holds the one write lock for as long as it writes, so
a job asked for meanwhile (the data lead loads a second extract of the authority) could
not even be recorded. ``start_job_or_keep`` then keeps the request in a file under
``DATA_DIR/job-requests`` and the worker records and queues it as soon as the load has
finished (``start_kept_jobs``, after each job and in its housekeeping): it waits its
turn, and the person is never told to try again.

When a job a person started ends (done, or failed for good), ``job_ended`` is sent with
the job as it ended, so the person is told even if they left the page (the planning app
puts it in their notifications).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task, task_backends

from permanence.ingest import IngestError
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.audit.log import flush_spooled_views
from permanence.web.kernel.database import brief_wait, is_busy, while_busy
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress

logger = logging.getLogger(__name__)

Runner = Callable[[Job, Progress], dict[str, Any]]
_RUNNERS: dict[str, Runner] = {}
R = TypeVar("R", bound=Runner)

#: How often a running job tells the others it is still alive, and how long without word
#: before a job on another machine is taken to have been abandoned.
HEARTBEAT_SECONDS = 30
ABANDONED_AFTER = timedelta(minutes=5)
#: A queued job whose try has gone from the queue is put back after this long.
REQUEUE_AFTER = timedelta(minutes=1)
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"
#: Where requests for jobs that could not be recorded yet are kept (``start_job_or_keep``).
KEPT_FOLDER = "job-requests"
#: How long a page asking for a job waits for the embedded database before keeping it.
KEEP_AFTER_SECONDS = 1.0
#: Sent once when a job ends, done or failed for good: ``job`` (as it ended).
job_ended = Signal()
# A try that fails is raised to the queue (which keeps its traceback), except when the
# command line runs a job itself: the failure is recorded and the job left to the worker.
_RAISE_FAILURES: ContextVar[bool] = ContextVar("permanence_raise_job_failures", default=True)


class TryLater(Exception):  # noqa: N818 - it is an instruction, not an error
    """The job cannot start yet (another load of the authority is running)."""

    def __init__(self, why: str, *, seconds: float = 5.0) -> None:
        super().__init__(why)
        self.why = why
        self.seconds = seconds


class AlreadyActive(Exception):  # noqa: N818
    """A job with the same key is already waiting or running (``job``), or its request is
    kept until the database is free (``job`` is ``None``)."""

    def __init__(self, job: Job | None) -> None:
        super().__init__(f"{job or 'the job'} is already under way")
        self.job = job


def runs(kind: Job.Kind) -> Callable[[R], R]:
    """Register the function that does one kind of job (each app registers its own)."""

    def register(runner: R) -> R:
        _RUNNERS[kind.value] = runner
        return runner

    return register


def start_job(
    kind: Job.Kind,
    authority: LocalAuthority | int,
    *,
    arguments: dict[str, Any] | None = None,
    started_by: User | None = None,
    key: str = "",
) -> Job:
    """Record a job and queue its first try once the current transaction commits.

    With a ``key``, at most one such job is waiting or running at a time: asking again
    raises ``AlreadyActive`` with the one under way.
    """
    authority_id = authority if isinstance(authority, int) else authority.pk
    with scoped_to(Scope.authority(authority_id)):
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    authority_id=authority_id,
                    kind=kind,
                    key=key,
                    arguments=arguments or {},
                    started_by=started_by,
                    max_attempts=settings.PERMANENCE_TASK_ATTEMPTS,
                )
        except IntegrityError:
            active = Job.objects.filter(key=key, state__in=Job.ACTIVE).first()
            if active is None:  # it finished between the two statements: try once more
                return start_job(
                    kind, authority_id, arguments=arguments, started_by=started_by, key=key
                )
            raise AlreadyActive(active) from None
    job_id = job.pk
    transaction.on_commit(lambda: enqueue(job_id))
    return job


def start_job_or_keep(
    kind: Job.Kind,
    authority: LocalAuthority | int,
    *,
    key: str,
    arguments: dict[str, Any] | None = None,
    started_by: User | None = None,
) -> Job | None:
    """``start_job``, or, while a load holds the embedded database, the request kept for
    the worker to start once the load has finished (``start_kept_jobs``): then ``None``.

    Raises ``AlreadyActive`` as ``start_job`` does, and for a request already kept.
    """
    if kept_request(key) is not None:
        raise AlreadyActive(None)
    try:
        with brief_wait(KEEP_AFTER_SECONDS):
            return start_job(kind, authority, arguments=arguments, started_by=started_by, key=key)
    except OperationalError as error:
        if not is_busy(error):
            raise
    request = {
        "kind": str(kind),
        "authority_id": authority if isinstance(authority, int) else authority.pk,
        "arguments": arguments or {},
        "started_by_id": started_by.pk if started_by is not None else None,
        "key": key,
        "kept_at": timezone.now().isoformat(),
    }
    path = _kept_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(request), encoding="utf-8")
    os.replace(partial, path)  # a reader never sees half a request
    logger.info("the database is busy (a load is writing): %s kept for the worker", key)
    return None


def kept_request(key: str) -> dict[str, Any] | None:
    """The request for the job of ``key`` kept while the database was busy, if any."""
    try:
        kept: dict[str, Any] = json.loads(_kept_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept


def start_kept_jobs() -> list[Job]:
    """Record and queue every job kept while a load held the database, oldest first.

    A request is removed only once its job is recorded (or one with its key is already
    under way), so none is lost.
    """
    folder = Path(settings.DATA_DIR) / KEPT_FOLDER
    try:
        paths = sorted(
            (entry for entry in os.scandir(folder) if entry.name.endswith(".json")),
            key=lambda entry: entry.stat().st_mtime,
        )
    except FileNotFoundError:
        return []
    started: list[Job] = []
    for entry in paths:
        path = Path(entry.path)
        try:
            request = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue  # another worker started it
        with scoped_to(Scope.everything()):
            user = User.objects.filter(pk=request["started_by_id"]).first()
        try:
            job = start_job(
                Job.Kind(request["kind"]),
                int(request["authority_id"]),
                arguments=request["arguments"],
                started_by=user,
                key=request["key"],
            )
        except AlreadyActive:
            job = None  # one with its key is under way already
        if job is not None:
            started.append(job)
        path.unlink(missing_ok=True)
    return started


def kept_requests(kind: Job.Kind, authority_id: int) -> list[dict[str, Any]]:
    """The requests of ``kind`` for one authority still kept for the worker (a load holds
    the database), oldest first, each with its ``ref`` for the page that follows it."""
    folder = Path(settings.DATA_DIR) / KEPT_FOLDER
    try:
        paths = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime)
    except FileNotFoundError:
        return []
    kept: list[dict[str, Any]] = []
    for path in paths:
        try:
            request = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # started (and removed) by the worker meanwhile
        if request.get("kind") == str(kind) and request.get("authority_id") == authority_id:
            kept.append({**request, "ref": path.stem})
    return kept


def kept_ref(key: str) -> str:
    """The name under which the request of ``key`` is kept (a page's address can carry
    it: it says nothing of the request)."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def kept_request_of(ref: str) -> dict[str, Any] | None:
    """The kept request named ``ref`` (``kept_ref``), if it is still waiting."""
    if len(ref) != 32 or any(c not in "0123456789abcdef" for c in ref):
        return None
    try:
        path = Path(settings.DATA_DIR) / KEPT_FOLDER / f"{ref}.json"
        kept: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept


def _kept_path(key: str) -> Path:
    return Path(settings.DATA_DIR) / KEPT_FOLDER / f"{kept_ref(key)}.json"


def enqueue(job_id: int, *, delay: float = 0.0) -> None:
    """Put one try of the job on the queue, to start after ``delay`` seconds.

    A queue that cannot wait (the tests' "run it now" backend) runs it at once.
    """
    backend = task_backends["default"]
    chosen = run_job
    if delay > 0 and backend.supports_defer:
        chosen = run_job.using(run_after=timezone.now() + timedelta(seconds=delay))
    queued = chosen.enqueue(job_id)
    _update(job_id, task_id=str(queued.id))


def run_here(jobs: list[Job]) -> list[Job]:
    """Run these queued jobs now, in this process (the command line does, so that its
    result is complete without a worker); returns them as they ended. A job a worker has
    claimed meanwhile is left to it; one that fails here stays queued for the worker to
    try again."""
    token = _RAISE_FAILURES.set(False)
    try:
        for job in jobs:
            run_job.call(job.pk)
    finally:
        _RAISE_FAILURES.reset(token)
    with scoped_to(Scope.everything()):
        return list(Job.objects.filter(pk__in=[job.pk for job in jobs]).order_by("pk"))


def queue_can_wait() -> bool:
    """Whether tries can be put off until later (a real queue), or run at once."""
    return bool(task_backends["default"].supports_defer)


@task()
def run_job(job_id: int) -> str:
    """One try of a job (the queue's task)."""
    job = while_busy(lambda: _claim(job_id))
    if job is None:
        return "not claimed: finished, or running elsewhere"
    progress = Progress(job.pk)
    heartbeat = _Heartbeat(job.pk) if queue_can_wait() else None
    try:
        with scoped_to(Scope.authority(job.authority_id)):
            result = _RUNNERS[job.kind](job, progress)
    except TryLater as wait:
        _wait_turn(job, progress, wait)
        return "waiting its turn"
    except Exception as error:
        _failed(job, progress, error)
        if _RAISE_FAILURES.get():
            raise  # the queue keeps this try's traceback for whoever looks after the service
        return "failed"
    else:
        _finished(job, progress, result)
        return "done"
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        progress.remove()
        _after_each_job()


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    with scoped_to(Scope.everything()):
        claimed = Job.objects.filter(
            pk=job_id, state__in=[Job.State.QUEUED, Job.State.RETRYING]
        ).update(
            state=Job.State.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            updated_at=now,
            heartbeat_at=now,
            retry_at=None,
            worker=WORKER_NAME,
        )
        return Job.objects.get(pk=job_id) if claimed else None


def _finished(job: Job, progress: Progress, result: dict[str, Any]) -> None:
    now = timezone.now()
    figures = progress.figures
    _update(
        job.pk,
        state=Job.State.DONE,
        finished_at=now,
        result=result,
        error="",
        stage=figures.stage,
        done=figures.done,
        total=figures.total,
        unit=figures.unit,
    )
    _tell_ended(job.pk)


def _tell_ended(job_id: int) -> None:
    """Send ``job_ended``; what a receiver does is never the job's failure."""
    try:
        with scoped_to(Scope.everything()):
            ended = Job.objects.get(pk=job_id)
        with scoped_to(Scope.authority(ended.authority_id)):
            while_busy(lambda: job_ended.send(sender=Job, job=ended))
    except Exception:
        logger.exception("the end of job %s could not be told to who started it", job_id)


def _wait_turn(job: Job, progress: Progress, wait: TryLater) -> None:
    _update(
        job.pk,
        state=Job.State.QUEUED,
        attempts=F("attempts") - 1,  # waiting its turn is not a try
        stage=wait.why,
        done=0,
        total=None,
        unit="",
    )
    enqueue(job.pk, delay=wait.seconds)


def _failed(job: Job, progress: Progress, error: Exception) -> None:
    words = describe_error(error)
    logger.error(
        "%s for authority %s failed (try %s of %s)",
        job.kind,
        job.authority_id,
        job.attempts,
        job.max_attempts,
        exc_info=error,
    )
    figures = progress.figures
    kept = {"stage": figures.stage, "done": figures.done, "total": figures.total}
    if job.attempts < job.max_attempts:
        delay = retry_delay(job.attempts)
        _update(
            job.pk,
            state=Job.State.RETRYING,
            error=words,
            retry_at=timezone.now() + timedelta(seconds=delay),
            **kept,
        )
        enqueue(job.pk, delay=delay)
    else:
        _update(job.pk, state=Job.State.FAILED, error=words, finished_at=timezone.now(), **kept)
        _tell_ended(job.pk)


def retry_delay(attempts: int) -> float:
    """Seconds to wait before the next try, after ``attempts`` tries."""
    delays = tuple(settings.PERMANENCE_TASK_RETRY_SECONDS) or (0,)
    return float(delays[min(attempts, len(delays)) - 1])


def describe_error(error: BaseException) -> str:
    """What went wrong, in words a data lead can act on (the traceback is kept apart)."""
    if isinstance(error, IngestError):
        problems = getattr(error, "problems", None) or [str(error)]
        return "The extract could not be read: " + "; ".join(str(p) for p in problems)[:900]
    if is_busy(error):
        return "The database was busy with other work for too long."
    return f"An unexpected error ({type(error).__name__}): {error}"[:1000]


def _update(job_id: int, **fields: Any) -> None:
    fields.setdefault("updated_at", timezone.now())

    def write() -> None:
        with scoped_to(Scope.everything()):
            Job.objects.filter(pk=job_id).update(**fields)

    while_busy(write)


def _after_each_job() -> None:
    """Jobs asked for and views of children's records kept while a load held the database
    are recorded now."""
    try:
        while_busy(start_kept_jobs, patience=60)
    except Exception:
        logger.exception("the jobs kept while the database was busy could not be started yet")
    try:
        while_busy(flush_spooled_views, patience=60)
    except Exception:
        logger.exception("the kept views of children's records could not be logged yet")


class _Heartbeat:
    """Tells the other workers, every ``HEARTBEAT_SECONDS``, that the job is still alive.

    On the embedded database a load's own transaction holds the write lock, so a beat may
    not be written until it commits; workers there share one machine and check whether
    the worker's process is alive instead (``recover``).
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    with scoped_to(Scope.everything()):
                        Job.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())
                except Exception as error:
                    if not is_busy(error):
                        logger.exception("a job's heartbeat could not be written")
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# ---------------------------------------------------------------------------------------
# Jobs left behind


def recover(now: datetime | None = None) -> list[int]:
    """Put back on the queue the jobs nobody is running any more; returns their ids.

    - A running job whose worker has gone (its process ended on this machine, or no
      heartbeat for ``ABANDONED_AFTER`` from another): that try counts as failed.
    - A waiting job whose try is no longer on the queue (the worker could not record it):
      queued again.
    """
    now = now or timezone.now()
    recovered: list[int] = []
    with scoped_to(Scope.everything()):
        for job in Job.objects.filter(state=Job.State.RUNNING):
            if _abandoned(job, now):
                error = RuntimeError("the worker running it stopped before it finished")
                _failed(job, Progress(job.pk), error)
                recovered.append(job.pk)
        waiting = Job.objects.filter(
            state__in=[Job.State.QUEUED, Job.State.RETRYING], updated_at__lt=now - REQUEUE_AFTER
        )
        for job in waiting:
            if (job.retry_at is None or job.retry_at <= now) and not _on_queue(job.task_id):
                enqueue(job.pk)
                recovered.append(job.pk)
    return recovered


def _abandoned(job: Job, now: datetime) -> bool:
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    heartbeat: datetime = job.heartbeat_at or job.started_at or job.updated_at
    return heartbeat < now - ABANDONED_AFTER


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _on_queue(task_id: str) -> bool:
    """Whether the queue still holds this try, waiting or running."""
    if not task_id:
        return False
    from django_tasks import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    try:
        status: str = run_job.get_result(task_id).status
    except (TaskResultDoesNotExist, NotImplementedError):
        return False
    return status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)
