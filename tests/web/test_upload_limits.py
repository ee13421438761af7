"""A hostile workbook uploaded in the web app is refused with a message, and every
upload folder is removed whatever happens (the files hold children's records): at once
when the upload fails, and by the daily sweep when a killed process left it behind."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from permanence.ingest import workbook_process
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records import import_views
from permanence.web.records.models import ImportBatch
from permanence.web.records.uploads import sweep_upload_folders
from permanence.web.tasks import worker

from ..core.ingest.test_workbook_limits import crafted_workbook


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def _left_behind(uploads: Path) -> list[Path]:
    return [path for path in uploads.rglob("*") if path.is_file()] if uploads.exists() else []


def _post(client: Client, upload: SimpleUploadedFile) -> Any:
    return client.post(
        "/imports/new/",
        {"extract_files": [upload], "profile": "canonical", "extract_date": "2025-03-31"},
    )


def test_a_workbook_that_unpacks_to_too_much_is_refused_and_nothing_is_left(
    client: Client, users_a: dict[Role, User], uploads: Path, tmp_path: Path
) -> None:
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        b'<row r="9000"><c r="XFD9000"><v>1</v></c></row>',
    ]
    bomb = crafted_workbook(tmp_path / "extract.xlsx", rows)
    client.force_login(users_a[Role.DATA_LEAD])
    response = _post(client, SimpleUploadedFile("extract.xlsx", bomb.read_bytes()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "over the limit of" in page and "CSV" in page
    assert _left_behind(uploads) == []
    with scoped_to(Scope.everything()):
        assert not ImportBatch.objects.exists()


def test_an_upload_that_fails_while_being_saved_leaves_nothing(uploads: Path) -> None:
    class Broken(SimpleUploadedFile):
        def chunks(self, chunk_size: int | None = None) -> Any:
            yield b"child_ref\n"
            raise OSError("the disk is full")

    upload = Broken("children.csv", b"child_ref\nC1\n", "text/csv")
    with pytest.raises(OSError, match="disk is full"):
        import_views._save_upload([upload], "ALPHA")
    assert _left_behind(uploads) == []
    assert not list((uploads / "ALPHA").iterdir())


def test_a_workbook_needing_more_memory_than_allowed_is_refused_and_nothing_is_left(
    client: Client,
    users_a: dict[Role, User],
    uploads: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The backstop behind the limits: the reader's own process runs out of memory (here
    # allowed none), and the page says so like any other limit; this process lives on.
    monkeypatch.setattr(workbook_process, "MAX_READER_MEMORY", 0)
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        b'<row r="2"><c r="A2"><v>7</v></c></row>',
    ]
    workbook = crafted_workbook(tmp_path / "extract.xlsx", rows)
    client.force_login(users_a[Role.DATA_LEAD])
    response = _post(client, SimpleUploadedFile("extract.xlsx", workbook.read_bytes()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "the workbook needs more memory to read than allowed" in page and "CSV" in page
    assert _left_behind(uploads) == []
    with scoped_to(Scope.everything()):
        assert not ImportBatch.objects.exists()


# ---------------------------------------------------------------------------------------
# Upload folders a killed process left behind


def _aged(folder: Path, days: float) -> Path:
    """Make the folder and its files look last changed ``days`` ago."""
    then = time.time() - days * 86400
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (then, then))
    return folder


def _left_by_a_killed_preview(code: str, days: float) -> Path:
    """A saved upload whose check never finished (the process was killed mid-way)."""
    upload = SimpleUploadedFile("children.csv", b"child_ref\nC1\n", "text/csv")
    return _aged(import_views._save_upload([upload], code), days)


def _waiting(authority: LocalAuthority, folder: Path, status: str) -> ImportBatch:
    with scoped_to(Scope.authority(authority.pk)):
        return ImportBatch.objects.create(
            authority=authority, source="children.csv", status=status, upload_dir=str(folder)
        )


@pytest.fixture
def left_behind(
    uploads: Path, authority_a: LocalAuthority, authority_b: LocalAuthority
) -> dict[str, Path]:
    """Upload folders as a day of crashes and waiting imports leave them."""
    folders = {
        "orphan, two days old": _left_by_a_killed_preview(authority_a.code, 2),
        "orphan of B's, two days old": _left_by_a_killed_preview(authority_b.code, 2),
        "orphan, an hour old": _left_by_a_killed_preview(authority_a.code, 1 / 24),
        "waiting, two days old": _left_by_a_killed_preview(authority_b.code, 2),
        "loaded, two days old": _left_by_a_killed_preview(authority_a.code, 2),
    }
    _waiting(authority_b, folders["waiting, two days old"], ImportBatch.Status.PREVIEWED)
    _waiting(authority_a, folders["loaded, two days old"], ImportBatch.Status.LOADED)
    return folders


def _still_there(folders: dict[str, Path]) -> set[str]:
    return {name for name, folder in folders.items() if folder.exists()}


def test_old_upload_folders_no_waiting_import_points_at_are_swept_away(
    left_behind: dict[str, Path],
) -> None:
    removed = sweep_upload_folders()
    # An import waiting to be loaded keeps its folder however old; a recent folder may
    # belong to an upload being checked now. Everything else is gone, files and all.
    assert _still_there(left_behind) == {"orphan, an hour old", "waiting, two days old"}
    assert sorted(removed) == sorted(
        left_behind[name]
        for name in ("orphan, two days old", "orphan of B's, two days old", "loaded, two days old")
    )
    assert sweep_upload_folders() == []


def test_a_folder_with_a_file_changed_recently_is_kept(
    uploads: Path, authority_a: LocalAuthority
) -> None:
    folder = _left_by_a_killed_preview(authority_a.code, 2)
    (folder / "children.csv").write_bytes(b"child_ref\nC1\nC2\n")  # still being written
    assert sweep_upload_folders() == []
    assert folder.exists()


def test_the_worker_sweeps_once_a_day(
    left_behind: dict[str, Path], authority_a: LocalAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "_DONE_ON", {})
    now = timezone.now()
    assert "permanence.web.records.uploads.sweep_upload_folders" in worker.do_daily_work(now)
    assert _still_there(left_behind) == {"orphan, an hour old", "waiting, two days old"}
    # Once a day: later that day the worker leaves a new orphan to the next day's round.
    orphan = _left_by_a_killed_preview(authority_a.code, 2)
    assert worker.do_daily_work(now) == []
    assert orphan.exists()
    worker.do_daily_work(now + timedelta(days=1))
    assert not orphan.exists()


def test_the_command_sweeps_at_once(left_behind: dict[str, Path]) -> None:
    out = io.StringIO()
    call_command("sweep_uploads", "--hours", "0.5", stdout=out)
    assert _still_there(left_behind) == {"waiting, two days old"}
    assert "4 upload folder(s) removed" in out.getvalue()
    assert str(left_behind["orphan, an hour old"]) in out.getvalue()
