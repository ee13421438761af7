"""Where uploaded extracts wait, and sweeping away the folders a crash left behind.

Each upload is saved to a folder of its own, ``DATA_DIR/uploads/<authority code>/<random>``,
which the import waiting to be loaded points at (``ImportBatch.upload_dir``) until it is
loaded or discarded, when the folder goes. The folder also goes when the files cannot be
read or anything else fails (``importing.preview_upload``). Only a process killed
mid-way (the machine stopped, or the process ended from outside) can leave one behind:
the files hold children's records, so ``sweep_upload_folders`` removes every folder no
import waiting to be loaded points at that nobody has touched for a day. The worker does
it once a day (``tasks.worker.every_day``), and ``permanence manage sweep_uploads`` does
it at once.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import ImportBatch

logger = logging.getLogger(__name__)

LEFT_FOR = timedelta(days=1)
"""How long a folder no import points at is left before it is swept away: far longer
than the check of an upload takes, so a folder whose import is being made is kept."""


def uploads_root() -> Path:
    """The folder that holds each authority's folder of uploads."""
    return Path(settings.DATA_DIR) / "uploads"


def sweep_upload_folders(
    now: datetime | None = None, *, left_for: timedelta = LEFT_FOR
) -> list[Path]:
    """Remove every upload folder that no import waiting to be loaded points at and that
    nothing in has changed for ``left_for``; returns the folders removed."""
    now = now or timezone.now()
    root = uploads_root()
    if not root.is_dir():
        return []
    with scoped_to(Scope.everything()):
        waiting = {
            _same(Path(folder))
            for folder in ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEWED)
            .exclude(upload_dir="")
            .values_list("upload_dir", flat=True)
        }
    oldest = now.timestamp() - left_for.total_seconds()
    removed: list[Path] = []
    for authority in _folders(root):
        for folder in _folders(authority):
            if _same(folder) in waiting or _last_changed(folder) > oldest:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            logger.warning("removed the upload folder %s: no import pointed at it", folder)
            removed.append(folder)
    return removed


def _folders(parent: Path) -> list[Path]:
    """The folders in ``parent`` (never a link: it could lead anywhere)."""
    with os.scandir(parent) as entries:
        return [Path(entry.path) for entry in entries if entry.is_dir(follow_symlinks=False)]


def _same(folder: Path) -> str:
    return os.path.realpath(folder)


def _last_changed(folder: Path) -> float:
    """When the folder or anything in it last changed (a file still being written counts)."""
    latest = folder.lstat().st_mtime
    for path in folder.rglob("*"):
        try:
            latest = max(latest, path.lstat().st_mtime)
        except OSError:
            continue  # gone meanwhile
    return latest
