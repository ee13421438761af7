"""Bringing an extract in, from the command line and from the web app."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from permanence.cli import importing as import_command
from permanence.cli.main import main
from permanence.synth import generate
from permanence.synth.messy import make_messy
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records import importing
from permanence.web.records.models import CarePeriod, Child, ImportBatch, ImportIssue

from ..conftest import PASSWORD

EXTRACT_DATE = date(2025, 3, 31)


@pytest.fixture(scope="module")
def clean_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean")
    write_csv(generate(40, 3, end=EXTRACT_DATE), folder)
    return folder


@pytest.fixture(scope="module")
def messy_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messy")
    for name, table in make_messy(generate(40, 3, end=EXTRACT_DATE), 5).items():
        table.write_csv(folder / f"{name}.csv")
    return folder


def _count(authority: LocalAuthority, model: type[Child] | type[CarePeriod]) -> int:
    with scoped_to(Scope.authority(authority.pk)):
        return model.objects.count()


def test_the_import_command_loads_once_and_then_changes_nothing(
    authority_a: LocalAuthority, clean_extract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [
        "import",
        str(clean_extract),
        "--authority",
        "ALPHA",
        "--extract-date",
        EXTRACT_DATE.isoformat(),
        "--json",
    ]
    assert main(arguments) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["load"]["children"]["added"] == 40
    assert _count(authority_a, Child) == 40

    assert main(arguments) == 0
    second = json.loads(capsys.readouterr().out)
    assert all(t["added"] == 0 and t["changed"] == 0 for t in second["load"].values())
    assert second["load"]["children"]["unchanged"] == 40
    with scoped_to(Scope.authority(authority_a.pk)):
        assert ImportBatch.objects.filter(status=ImportBatch.Status.LOADED).count() == 2


def busy_for(tries: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The embedded database held by another authority's load for ``tries`` tries to
    write (-1: throughout), as SQLite says it once its busy timeout has passed."""
    calls: list[int] = []
    real = importing.load_tables

    def load_tables(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if tries < 0 or len(calls) <= tries:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "load_tables", load_tables)
    return calls


IMPORT_ALPHA = ["import", "--authority", "ALPHA", "--extract-date", EXTRACT_DATE.isoformat()]


def test_the_import_command_waits_out_another_load_holding_the_database(
    authority_a: LocalAuthority,
    clean_extract: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = busy_for(1, monkeypatch)
    assert main([*IMPORT_ALPHA, str(clean_extract)]) == 0
    assert len(calls) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert _count(authority_a, Child) == 40
    with scoped_to(Scope.authority(authority_a.pk)):
        assert ImportBatch.objects.filter(status=ImportBatch.Status.LOADED).count() == 1


def test_the_import_command_says_so_in_a_sentence_when_the_database_stays_busy(
    authority_a: LocalAuthority,
    clean_extract: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    busy_for(-1, monkeypatch)
    monkeypatch.setattr(import_command, "BUSY_PATIENCE_SECONDS", 0)
    assert main([*IMPORT_ALPHA, str(clean_extract)]) == 3
    said = capsys.readouterr().err.strip()
    assert said == (
        "permanence import: The database stayed busy with another load for 0 minutes; "
        "nothing was loaded into Alpha Council's records. Try again when it has finished."
    )
    assert _count(authority_a, Child) == 0
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not ImportBatch.objects.exists()


def test_a_dry_run_loads_nothing(
    authority_a: LocalAuthority, clean_extract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "import",
            str(clean_extract),
            "--authority",
            "ALPHA",
            "--dry-run",
            "--extract-date",
            EXTRACT_DATE.isoformat(),
        ]
    )
    assert code == 0
    assert "Dry run: nothing was loaded" in capsys.readouterr().out
    assert _count(authority_a, Child) == 0


def test_refused_rows_are_reported_and_the_rest_loaded(
    authority_a: LocalAuthority, messy_extract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "import",
            str(messy_extract),
            "--authority",
            "ALPHA",
            "--extract-date",
            EXTRACT_DATE.isoformat(),
            "--json",
        ]
    )
    result = json.loads(capsys.readouterr().out)
    assert code == 1
    assert result["errors"] > 0
    assert 0 < _count(authority_a, Child) <= 40
    with scoped_to(Scope.authority(authority_a.pk)):
        stored = ImportIssue.objects.filter(batch_id=result["batch"])
        assert stored.count() == len(result["issues"])
        assert stored.filter(severity="error").exists()


def test_synth_can_load_what_it_writes_through_the_import(
    authority_a: LocalAuthority, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["synth", "--children", "30", "--seed", "3", "--end", "2025-03-31"]
    assert main([*arguments, "--out", str(tmp_path), "--load", "ALPHA"]) == 0
    out = capsys.readouterr().out
    assert "Imported into Alpha Council's records" in out
    assert _count(authority_a, Child) == 30
    with scoped_to(Scope.authority(authority_a.pk)):
        batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.LOADED
    assert batch.extract_date == date(2025, 3, 31)
    assert main([*arguments, "--out", str(tmp_path / "b"), "--load", "NOPE"]) == 2
    assert "no authority has the code 'NOPE'" in capsys.readouterr().err


def test_an_unknown_authority_is_one_line_not_a_traceback(
    db: None, clean_extract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(clean_extract), "--authority", "NOPE"]) == 2
    assert "no authority has the code 'NOPE'" in capsys.readouterr().err


def test_an_unreadable_extract_loads_nothing(
    authority_a: LocalAuthority, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "children.csv").write_bytes(b"\x00\x01\x02 not a csv \xff\xfe")
    assert main(["import", str(tmp_path), "--authority", "ALPHA"]) == 2
    assert _count(authority_a, Child) == 0


@pytest.fixture
def data_lead(client: Client, users_a: dict[Role, User]) -> Client:
    client.login(username=users_a[Role.DATA_LEAD].username, password=PASSWORD)
    return client


def _upload(folder: Path) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
        for path in sorted(folder.iterdir())
    ]


def test_the_form_offers_todays_date_as_the_extract_date(data_lead: Client) -> None:
    page = data_lead.get("/imports/new/").content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="extract_date" value="{today}"' in page


def test_a_data_lead_previews_every_issue_before_anything_loads(
    data_lead: Client,
    authority_a: LocalAuthority,
    messy_extract: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = data_lead.post(
        "/imports/new/",
        {
            "extract_files": _upload(messy_extract),
            "profile": "canonical",
            "extract_date": "2025-03-31",
        },
    )
    assert response.status_code == 302
    batch_url = response["Location"]
    assert _count(authority_a, Child) == 0  # previewed, not loaded
    page = data_lead.get(batch_url).content.decode()
    assert "Load the extract" in page
    assert "Issues by rule" in page

    with scoped_to(Scope.authority(authority_a.pk)):
        batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEWED
    kept_until_loaded = Path(batch.upload_dir)
    assert kept_until_loaded.is_dir()
    # The load is queued when the request commits; the tests' queue runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        assert data_lead.post(f"/imports/{batch.pk}/load/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.LOADED
    assert _count(authority_a, Child) > 0
    page = data_lead.get(batch_url).content.decode()
    assert "What the load changed" in page
    # Tables are named as people read them, not by their file names.
    assert '<th scope="row">Care periods</th>' in page
    assert '<th scope="row">Decisions and milestones</th>' in page
    assert "<td>care_periods<" not in page and ">care_periods<" not in page
    assert not kept_until_loaded.exists()  # the uploaded files go once loaded


def test_the_data_quality_report_downloads_as_a_workbook(
    data_lead: Client, authority_a: LocalAuthority, messy_extract: Path, tmp_path: Path
) -> None:
    response = data_lead.post(
        "/imports/new/",
        {
            "extract_files": _upload(messy_extract),
            "profile": "canonical",
            "extract_date": "2025-03-31",
        },
    )
    batch_pk = int(response["Location"].rstrip("/").split("/")[-1])
    download = data_lead.get(f"/imports/{batch_pk}/data-quality.xlsx")
    assert download.status_code == 200
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    workbook = CalamineWorkbook.from_path(str(path))
    assert len(workbook.sheet_names) >= 3


def test_discarding_a_preview_loads_nothing(
    data_lead: Client, authority_a: LocalAuthority, clean_extract: Path
) -> None:
    response = data_lead.post(
        "/imports/new/",
        {
            "extract_files": _upload(clean_extract),
            "profile": "canonical",
            "extract_date": "2025-03-31",
        },
    )
    batch_pk = int(response["Location"].rstrip("/").split("/")[-1])
    with scoped_to(Scope.authority(authority_a.pk)):
        uploaded = Path(ImportBatch.objects.get().upload_dir)
    assert uploaded.is_dir()
    assert data_lead.post(f"/imports/{batch_pk}/discard/").status_code == 302
    assert _count(authority_a, Child) == 0
    assert not uploaded.exists()
    with scoped_to(Scope.authority(authority_a.pk)):
        assert ImportBatch.objects.get().status == ImportBatch.Status.DISCARDED


def test_the_list_says_whether_there_are_fewer_queries_than_last_time(
    data_lead: Client, authority_a: LocalAuthority, messy_extract: Path, clean_extract: Path
) -> None:
    for folder in (messy_extract, clean_extract):
        main(["import", str(folder), "--authority", "ALPHA", "--extract-date", "2025-03-31"])
    page = data_lead.get("/imports/").content.decode()
    assert "Is the data getting cleaner?" in page
    assert "fewer" in page


def test_an_unreadable_upload_is_a_message_on_the_form_and_leaves_no_file(
    data_lead: Client, authority_a: LocalAuthority, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    junk = SimpleUploadedFile("children.csv", b"\x00\x01\x02\xff", "text/csv")
    response = data_lead.post(
        "/imports/new/",
        {"extract_files": [junk], "profile": "canonical", "extract_date": "2025-03-31"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    # The files were saved to be read; unreadable, they are removed, not left behind.
    assert (tmp_path / "uploads").is_dir()
    assert [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()] == []


def test_the_upload_form_is_the_design_systems_and_names_what_is_missing(
    data_lead: Client, authority_a: LocalAuthority, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    blank = data_lead.get("/imports/new/").content.decode()
    # The one form rendering: Design System questions, labels and hints, nothing hand-made.
    assert blank.count('<div class="ds_question">') == 4
    assert '<label class="ds_label" for="id_extract_files">Extract files</label>' in blank
    assert 'class="ds_checkbox__input"' in blank
    # Sent with no file and no date: the error summary links each field, and nothing is saved.
    response = data_lead.post("/imports/new/", {"profile": "canonical", "extract_date": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="ds_error-summary"' in page
    assert '<a href="#id_extract_files">This field is required.</a>' in page
    assert '<a href="#id_extract_date">This field is required.</a>' in page
    assert page.count("ds_question--error") == 2
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").rglob("*"))
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.VIEWER])
def test_only_data_leads_and_administrators_bring_in_extracts(
    client: Client, users_a: dict[Role, User], role: Role
) -> None:
    client.login(username=users_a[role].username, password=PASSWORD)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/new/").status_code == 403


# -- a file with wrong headings: the page leads with the cause ---------------------------


@pytest.fixture(scope="module")
def misheaded_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real extract whose children file heads two needed columns the wrong way."""
    folder = tmp_path_factory.mktemp("misheaded")
    write_csv(generate(40, 3, end=EXTRACT_DATE), folder)
    children = folder / "children.csv"
    header, rest = children.read_text(encoding="utf-8").split("\n", 1)
    assert header.startswith("child_ref,initials,date_of_birth,")
    header = header.replace("child_ref", "Child Reference").replace("date_of_birth", "DOB")
    children.write_text(f"{header}\n{rest}", encoding="utf-8")
    return folder


def _data_rows(folder: Path) -> dict[str, int]:
    """Rows of each file, counted here from the files themselves (no header, no blank)."""
    return {
        path.stem: sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if line)
        for path in folder.glob("*.csv")
    }


def _preview(client: Client, folder: Path) -> str:
    response = client.post(
        "/imports/new/",
        {"extract_files": _upload(folder), "profile": "canonical", "extract_date": "2025-03-31"},
    )
    assert response.status_code == 302
    return str(response["Location"])


def _figure(page: str, label: str) -> int:
    after = page.split(f"<dt>{label}</dt><dd>", 1)[1]
    return int(after.split("<", 1)[0].strip())


def test_a_file_with_wrong_headings_is_the_first_thing_the_page_says(
    data_lead: Client, authority_a: LocalAuthority, misheaded_extract: Path
) -> None:
    rows = _data_rows(misheaded_extract)
    page = data_lead.get(_preview(data_lead, misheaded_extract)).content.decode()
    cause = (
        "children.csv lacks 2 columns every row needs (child_ref, date_of_birth), "
        f"so none of its {rows['children']} rows can be loaded"
    )
    assert cause in page
    assert "Nothing in this extract can be loaded" in page
    # The cause comes before any figure or table, and the headings sit beside those expected.
    assert page.index(cause) < page.index("Rows refused") < page.index("Issues by rule")
    assert "Headings expected beside those found in children.csv" in page
    assert "Did you mean “Child Reference”?" in page and "Did you mean “DOB”?" in page
    # Care periods are not said to be missing from the extract: their child's file could
    # not be read, and every row that follows is folded under that cause.
    assert "REF001" not in page
    knock_ons = sum(count for table, count in rows.items() if table != "children")
    assert f"{knock_ons} rows refused only because of the problems above" in page
    assert page.index("Issues by rule") < page.index('id="knock-ons"')


def test_the_rows_refused_are_counted_exactly_once(
    data_lead: Client, authority_a: LocalAuthority, misheaded_extract: Path
) -> None:
    rows = _data_rows(misheaded_extract)
    page = data_lead.get(_preview(data_lead, misheaded_extract)).content.decode()
    # Every row of every file is refused, each once: not the number of errors found (the
    # two missing columns are two errors about the 40 rows of one file).
    assert _figure(page, "Rows refused") == sum(rows.values())
    assert _figure(page, "Rows that would load") == 0


def test_nothing_to_load_offers_no_load_button_and_discarding_asks_first(
    data_lead: Client, authority_a: LocalAuthority, misheaded_extract: Path
) -> None:
    batch_url = _preview(data_lead, misheaded_extract)
    page = data_lead.get(batch_url).content.decode()
    assert "Load the extract" not in page
    discard_url = f"{batch_url}discard/"
    assert f'class="ds_button ds_button--secondary button--warning" href="{discard_url}"' in page
    # Following the link asks; it discards nothing (no script needed).
    question = data_lead.get(discard_url)
    assert question.status_code == 200
    assert "Discard this extract?" in question.content.decode()
    with scoped_to(Scope.authority(authority_a.pk)):
        batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEWED and Path(batch.upload_dir).is_dir()
    # Saying yes discards it.
    assert data_lead.post(discard_url).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED


def test_an_extract_with_rows_to_load_still_offers_to_load_them(
    data_lead: Client, authority_a: LocalAuthority, clean_extract: Path
) -> None:
    page = data_lead.get(_preview(data_lead, clean_extract)).content.decode()
    assert "Load the extract" in page and "Discard the extract" in page
    assert "Nothing in this extract can be loaded" not in page
    assert _figure(page, "Rows refused") == 0
    assert _figure(page, "Rows that would load") == sum(_data_rows(clean_extract).values())


def test_checking_and_discarding_an_extract_each_say_so_in_a_banner(
    data_lead: Client, authority_a: LocalAuthority, clean_extract: Path
) -> None:
    def banner(page: str) -> str:
        found = re.search(
            r'<div class="ds_notification ds_notification--success"[^>]*>.*?'
            r'<div class="ds_notification__text"><p>(.*?)</p>',
            page,
            re.S,
        )
        assert found is not None, "no banner"
        return found[1]

    response = data_lead.post(
        "/imports/new/",
        {
            "extract_files": _upload(clean_extract),
            "profile": "canonical",
            "extract_date": "2025-03-31",
        },
    )
    detail = data_lead.get(response["Location"]).content.decode()
    assert banner(detail) == "The extract was checked: nothing is loaded until you load it."
    batch_pk = int(response["Location"].rstrip("/").split("/")[-1])
    discarded = data_lead.post(f"/imports/{batch_pk}/discard/")
    listing = data_lead.get(discarded["Location"]).content.decode()
    assert banner(listing) == "The extract was discarded; nothing was loaded."
