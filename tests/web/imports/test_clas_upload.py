"""A synthetic authority's CLAS return, brought in on the web with the clas profile, loads
the same children and care periods as its canonical extract (docs/clas.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from permanence.synth import generate
from permanence.synth.clas import write_clas
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod, Child, ImportBatch

END = date(2025, 3, 31)


def test_a_clas_return_is_previewed_and_loaded_on_the_web(
    client: Client,
    users_a: dict[Role, User],
    authority_a: LocalAuthority,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    tables = generate(30, 5, end=END)
    folder = tmp_path / "clas"
    write_clas(tables, folder)
    client.force_login(users_a[Role.DATA_LEAD])
    assert 'value="clas"' in client.get("/imports/new/").content.decode()
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
        for path in sorted(folder.iterdir())
    ]
    response = client.post(
        "/imports/new/",
        {"extract_files": files, "profile": "clas", "extract_date": END.isoformat()},
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/imports/{batch.pk}/load/").status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.LOADED
        assert Child.objects.count() == tables.children.height
        assert CarePeriod.objects.count() == tables.care_periods.height
