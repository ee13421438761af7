"""A hostile workbook uploaded in the web app is refused with a message, and every
upload folder is removed whatever happens (the files hold children's records)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records import import_views
from permanence.web.records.models import ImportBatch

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
