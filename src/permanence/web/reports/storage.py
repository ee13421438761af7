"""Where made packs wait to be downloaded: a folder per authority, a folder per pack.

Making a pack takes a while (the charts are drawn twice, as SVG and PNG), so the button
makes all three files at once and keeps them, and the page that follows offers each one.
They are kept under ``DATA_DIR/report-packs/<authority id>/<token>/`` with a small
manifest, for ``KEEP_FOR``; each new pack clears the authority's packs older than that.

A person reaches only their own authority's folder: every look-up is made from the
signed-in person's authority, never from anything in the address, and the token (random,
unguessable, checked against a strict pattern) only picks a pack inside that folder. The
files hold no child's identity (see ``permanence.reports``).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

from django.conf import settings

from permanence.reports.content import PackContent
from permanence.reports.files import PackFormat, file_name

FOLDER: Final = "report-packs"
MANIFEST: Final = "manifest.json"
KEEP_FOR: Final = timedelta(days=7)
TOKEN: Final = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class PackFile:
    fmt: PackFormat
    name: str
    size: int

    @property
    def label(self) -> str:
        return self.fmt.label

    @property
    def size_text(self) -> str:
        kilobytes = max(round(self.size / 1024), 1)
        return f"{kilobytes:,} KB" if kilobytes < 1024 else f"{kilobytes / 1024:.1f} MB"


@dataclass(frozen=True)
class StoredPack:
    token: str
    title: str
    meeting_date: date
    since: date
    made_at: datetime
    made_by: str
    seconds: float
    files: tuple[PackFile, ...]

    def file(self, fmt: PackFormat) -> PackFile | None:
        return next((item for item in self.files if item.fmt is fmt), None)


def root(authority_id: int) -> Path:
    return Path(settings.DATA_DIR) / FOLDER / str(int(authority_id))


def save(
    authority_id: int,
    content: PackContent,
    files: Mapping[PackFormat, bytes],
    *,
    made_by: str,
    seconds: float,
) -> str:
    """Keep the pack's files and return its token."""
    prune(authority_id)
    token = secrets.token_urlsafe(18)
    folder = root(authority_id) / token
    folder.mkdir(parents=True)
    names = {}
    for fmt, data in files.items():
        name = file_name(content, fmt)
        (folder / name).write_bytes(data)
        names[fmt.value] = name
    manifest = {
        "title": content.title,
        "meeting_date": content.meeting_date.isoformat(),
        "since": content.since.isoformat(),
        "made_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "made_by": made_by,
        "seconds": round(seconds, 1),
        "files": names,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return token


def load(authority_id: int, token: str) -> StoredPack | None:
    """The authority's pack with this token, or None (a token of another authority's
    pack is simply not found here, nor is a pack older than ``KEEP_FOR``)."""
    if not TOKEN.fullmatch(token):
        return None
    folder = root(authority_id) / token
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    made_at = datetime.fromisoformat(manifest["made_at"])
    if datetime.now().astimezone() - made_at > KEEP_FOR:
        return None  # kept no longer than a week, whether or not a new pack has pruned it
    files = []
    for value, name in dict(manifest.get("files", {})).items():
        path = folder / Path(str(name)).name
        if path.is_file():
            files.append(PackFile(PackFormat(value), path.name, path.stat().st_size))
    return StoredPack(
        token=token,
        title=str(manifest.get("title", "")),
        meeting_date=date.fromisoformat(manifest["meeting_date"]),
        since=date.fromisoformat(manifest["since"]),
        made_at=made_at,
        made_by=str(manifest.get("made_by", "")),
        seconds=float(manifest.get("seconds", 0.0)),
        files=tuple(sorted(files, key=lambda item: list(PackFormat).index(item.fmt))),
    )


def path_of(authority_id: int, pack: StoredPack, fmt: PackFormat) -> Path | None:
    item = pack.file(fmt)
    return None if item is None else root(authority_id) / pack.token / item.name


def recent(authority_id: int) -> list[StoredPack]:
    """The authority's packs still kept, the newest first."""
    folder = root(authority_id)
    if not folder.is_dir():
        return []
    packs = [load(authority_id, child.name) for child in folder.iterdir() if child.is_dir()]
    return sorted((pack for pack in packs if pack), key=lambda pack: pack.made_at, reverse=True)


def prune(authority_id: int) -> int:
    """Remove the authority's packs made longer than ``KEEP_FOR`` ago; returns how many."""
    folder = root(authority_id)
    if not folder.is_dir():
        return 0
    oldest = time.time() - KEEP_FOR.total_seconds()
    removed = 0
    for child in folder.iterdir():
        if child.is_dir() and child.stat().st_mtime < oldest:
            shutil.rmtree(child, ignore_errors=True)
            removed += 1
    return removed
