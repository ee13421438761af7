"""Recording that a person was shown who a child is.

Every page and download that shows a child's reference, initials or date of birth
calls ``log_children_shown`` (or ``log_record_view`` for one child's record) with what
it showed. One row per child per response: "who saw which child, where, and when".
``tests/web/test_audit_walk.py`` walks every address of the app and the administration
site as every role and fails when a response shows a child with no row to match, so a
new page cannot forget to call it.

The rows are written at once. On the embedded database a load holds the one write lock
for as long as it writes (minutes, for the largest extracts); a page must not wait that
long, and a view must never go unrecorded. So the write waits only a moment, and if a
load still holds the database the response's rows are kept in a spool file under
``DATA_DIR`` (written whole, readable by the service's own user only) and written to the
log as soon as the database is free: by the worker, which empties the spool after every
job (the load that held the database among them) and every half minute, and by
``permanence import`` once it has loaded. Each kept row keeps the time it happened. A
page never empties the spool itself: after a long load it may hold many views, and a
page must stay quick.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import HttpRequest
from django.utils import timezone

from permanence.web.accounts.models import User
from permanence.web.audit.models import RecordView
from permanence.web.kernel.database import brief_wait, is_busy
from permanence.web.kernel.scope import Scope, scoped_to

logger = logging.getLogger(__name__)

RECORD = "a child's record"
SPOOL_FOLDER = "audit-spool"
#: How long a page waits for the embedded database before keeping its rows for later.
WAIT_SECONDS = 0.5
#: Kept files written in one transaction.
FLUSH_BATCH = 500

Entry = dict[str, Any]


class ChildRecord(Protocol):
    """A child's record, as the log needs it (``records.Child``, which sits above the log)."""

    pk: Any
    authority_id: int
    child_ref: str


def log_record_view(request: HttpRequest, child: ChildRecord, what: str = RECORD) -> None:
    """Record that the signed-in person looked at ``child``'s record on this request."""
    _record(
        [
            _entry(
                request,
                authority_id=child.authority_id,
                child_id=child.pk,
                child_ref=child.child_ref,
                what=what,
            )
        ]
    )


def log_children_shown(request: HttpRequest, shown: Iterable[Any], what: str) -> int:
    """Record that this response showed each of ``shown`` to the signed-in person.

    ``shown`` may hold children, anything that leads to one (a care period, a placement,
    an allocation, an import issue: see ``child_refs_of``) or bare references. Returns
    how many children were recorded.
    """
    user = cast(User, request.user)
    refs = {ref for item in shown for ref in child_refs_of(item) if ref}
    if not refs or user.authority_id is None:
        return 0
    # Linked to the record where there is one (an extract's reference may not be a record
    # yet, and a past version's child may have been deleted since).
    children = RecordView._meta.get_field("child").related_model._default_manager
    records = dict(children.filter(child_ref__in=refs).values_list("child_ref", "pk"))
    _record(
        [
            _entry(
                request,
                authority_id=user.authority_id,
                child_id=records.get(ref),
                child_ref=ref,
                what=what,
            )
            for ref in sorted(refs)
        ]
    )
    return len(refs)


def child_refs_of(item: Any) -> list[str]:
    """The reference of the child ``item`` shows, found by what it holds.

    A child, or a row that names one (``child_ref``: an import issue, a view in this
    log), or one that leads to one through its ``child`` or ``care_period``; a string is
    a reference. Anything else shows no child.
    """
    if item is None:
        return []
    if isinstance(item, str):
        return [item]
    if isinstance(getattr(item, "child_ref", None), str):
        return [item.child_ref]
    for relation in ("child", "care_period"):
        related = getattr(item, relation, None)
        if related is not None:
            return child_refs_of(related)
    return []


def flush_spooled_views() -> int:
    """Write every row kept while the database was busy; returns how many were written.

    A file is removed from the spool only once its rows are committed, so none is lost
    (one could be written twice if the process died between the two steps: an audit log
    may over-record, never under-record).
    """
    folder = spool_folder()
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".json"))
    except FileNotFoundError:
        return 0
    written = 0
    for start in range(0, len(names), FLUSH_BATCH):
        kept: list[tuple[Path, list[Entry]]] = []
        for name in names[start : start + FLUSH_BATCH]:
            path = folder / name
            try:
                kept.append((path, json.loads(path.read_text(encoding="utf-8"))))
            except FileNotFoundError:
                continue  # another process wrote it first
        with transaction.atomic():
            for _, entries in kept:
                _write(entries, keep_time=True)
        for path, entries in kept:
            path.unlink(missing_ok=True)
            written += len(entries)
    return written


def spool_folder() -> Path:
    return Path(settings.DATA_DIR) / SPOOL_FOLDER


def _entry(
    request: HttpRequest, *, authority_id: int, child_id: int | None, child_ref: str, what: str
) -> Entry:
    return {
        "authority_id": authority_id,
        "viewer_id": cast(User, request.user).pk,
        "child_id": child_id,
        "child_ref": child_ref[:64],
        "path": request.get_full_path()[:500],
        "what": what[:100],
        "viewed_at": timezone.now().isoformat(),
    }


def _record(entries: list[Entry]) -> None:
    try:
        with brief_wait(WAIT_SECONDS):
            _write(entries)
    except OperationalError as error:
        if not is_busy(error):
            raise
        _keep_for_later(entries)


def _write(entries: list[Entry], *, keep_time: bool = False) -> None:
    authorities = {entry["authority_id"] for entry in entries}
    with scoped_to(Scope(frozenset(authorities))), transaction.atomic():
        views = RecordView.objects.bulk_create(
            RecordView(
                authority_id=entry["authority_id"],
                viewer_id=entry["viewer_id"],
                child_id=entry["child_id"],
                child_ref=entry["child_ref"],
                path=entry["path"],
                what=entry.get("what", RECORD),
            )
            for entry in entries
        )
        if keep_time:  # ``viewed_at`` is stamped on creation; a kept row keeps its own
            for view, entry in zip(views, entries, strict=True):
                view.viewed_at = datetime.fromisoformat(entry["viewed_at"])
            RecordView.objects.bulk_update(views, ["viewed_at"])


def _keep_for_later(entries: list[Entry]) -> None:
    folder = spool_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{entries[0]['viewed_at'].replace(':', '')}-{uuid.uuid4().hex}.json"
    partial = folder / f".{name}.partial"
    # Written whole, then renamed: a reader never sees half a response's rows.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(entries, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, folder / name)
    logger.info("a response's views of children were kept to be logged once the load finishes")
