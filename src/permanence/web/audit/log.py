"""Recording a view of a child's record.

A view is written at once. On the embedded database a load holds the one write lock for
as long as it writes (minutes, for the largest extracts); a page must not wait that long,
and a view must never go unrecorded. So the write waits only a moment, and if a load
still holds the database the view is kept in a spool file under ``DATA_DIR`` (written
whole, readable by the service's own user only) and written to the log as soon as the
database is free, by the worker, which empties the spool after every job (the load that
held the database among them) and every half minute, and by ``permanence import`` once
it has loaded. Each kept view keeps the time it happened. A page never empties the
spool itself: after a long load it may hold many views, and a page must stay quick.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import HttpRequest
from django.utils import timezone

from permanence.web.accounts.models import User
from permanence.web.audit.models import RecordView
from permanence.web.database import brief_wait, is_busy
from permanence.web.records.models import Child
from permanence.web.tenancy.scope import Scope, scoped_to

logger = logging.getLogger(__name__)

SPOOL_FOLDER = "audit-spool"
#: How long a page waits for the embedded database before keeping the view for later.
WAIT_SECONDS = 0.5
#: Kept views written in one transaction.
FLUSH_BATCH = 500


def log_record_view(request: HttpRequest, child: Child) -> None:
    """Record that the signed-in person looked at ``child``'s record on this request."""
    entry = {
        "authority_id": child.authority_id,
        "viewer_id": cast(User, request.user).pk,
        "child_id": child.pk,
        "child_ref": child.child_ref,
        "path": request.get_full_path()[:500],
        "viewed_at": timezone.now().isoformat(),
    }
    try:
        with brief_wait(WAIT_SECONDS):
            _write(entry)
    except OperationalError as error:
        if not is_busy(error):
            raise
        _keep_for_later(entry)


def flush_spooled_views() -> int:
    """Write every view kept while the database was busy; returns how many were written.

    A view is removed from the spool only once its row is committed, so none is lost (one
    could be written twice if the process died between the two steps: an audit log may
    over-record, never under-record).
    """
    folder = spool_folder()
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".json"))
    except FileNotFoundError:
        return 0
    written = 0
    for start in range(0, len(names), FLUSH_BATCH):
        entries: list[tuple[Path, dict[str, Any]]] = []
        for name in names[start : start + FLUSH_BATCH]:
            path = folder / name
            try:
                entries.append((path, json.loads(path.read_text(encoding="utf-8"))))
            except FileNotFoundError:
                continue  # another process wrote it first
        with transaction.atomic():
            for _, entry in entries:
                _write(entry, keep_time=True)
        for path, _ in entries:
            path.unlink(missing_ok=True)
        written += len(entries)
    return written


def spool_folder() -> Path:
    return Path(settings.DATA_DIR) / SPOOL_FOLDER


def _write(entry: dict[str, Any], *, keep_time: bool = False) -> None:
    with scoped_to(Scope.authority(entry["authority_id"])), transaction.atomic():
        view = RecordView.objects.create(
            authority_id=entry["authority_id"],
            viewer_id=entry["viewer_id"],
            child_id=entry["child_id"],
            child_ref=entry["child_ref"],
            path=entry["path"],
        )
        if keep_time:  # ``viewed_at`` is stamped on creation; a kept view keeps its own
            RecordView.objects.filter(pk=view.pk).update(
                viewed_at=datetime.fromisoformat(entry["viewed_at"])
            )


def _keep_for_later(entry: dict[str, Any]) -> None:
    folder = spool_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{entry['viewed_at'].replace(':', '')}-{uuid.uuid4().hex}.json"
    partial = folder / f".{name}.partial"
    # Written whole, then renamed: a reader never sees half a view.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(entry, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, folder / name)
    logger.info("a view of a child's record was kept to be logged once the load has finished")
