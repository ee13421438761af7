"""The report pack's pages: one button, three downloads, for the roles that see the aims,
from the person's own authority only, naming no child."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pypdf
import pytest
from django.test import Client, TestCase
from pptx import Presentation
from python_calamine import CalamineWorkbook

from permanence.reports.files import PackFormat
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role

from ..conftest import B_MARKERS
from .conftest import INITIALS, MARKS, REF_PREFIX, Alpha, signed_in

PACK = "/reports/"
READY = re.compile(r"^/reports/packs/([A-Za-z0-9_-]+)/$")
MAKING = re.compile(r"^/reports/making/(\d+)/$")
MAGIC = {PackFormat.PDF: b"%PDF-", PackFormat.PPTX: b"PK", PackFormat.XLSX: b"PK"}


def written(day: date) -> tuple[str, ...]:
    """The ways a pack could write a date."""
    return (
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
    )


def words(text: str) -> set[str]:
    """Every date-like run of a text: ISO, day/month/year, and "5 March 2024" or "5 Mar
    2024" (three words), so a date is found only whole, never inside a longer number."""
    found = set(re.findall(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", text))
    found |= {" ".join(match) for match in re.findall(r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b", text)}
    return found


def text_of(fmt: PackFormat, data: bytes) -> str:
    """Every word a file holds, read back with the file's own reader."""
    if fmt is PackFormat.PDF:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    if fmt is PackFormat.PPTX:
        texts: list[str] = []
        for slide in Presentation(io.BytesIO(data)).slides:
            for shape in slide.shapes:
                if shape.has_text_frame:
                    texts.append(shape.text_frame.text)
                if shape.has_table:
                    texts += [cell.text for row in shape.table.rows for cell in row.cells]
                descr = shape._element.xpath("./*[1]/p:cNvPr/@descr")
                texts += [str(value) for value in descr]
            notes = slide.notes_slide.notes_text_frame if slide.has_notes_slide else None
            if notes is not None:
                texts.append(notes.text)
        return "\n".join(texts)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells: list[Any] = []
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).to_python():
            cells += row
    return "\n".join(str(cell) for cell in cells)


def make_pack(client: Client, since: str = "") -> str:
    """Press the button, then follow the pack being made to its files. The job is queued
    when the request commits, and the tests' queue runs it at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(PACK, {"since": since})
    assert response.status_code == 302, response.content[:2000]
    assert MAKING.match(response["Location"]), response["Location"]
    response = client.get(response["Location"])
    assert response.status_code == 302, response.content[:2000]
    match = READY.match(response["Location"])
    assert match, response["Location"]
    return match[1]


def download_all(client: Client, token: str) -> dict[PackFormat, bytes]:
    page = client.get(f"/reports/packs/{token}/")
    assert page.status_code == 200
    files = {}
    for fmt in PackFormat:
        address = f"/reports/packs/{token}/{fmt.value}"
        assert address in page.content.decode()
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Type"] == fmt.media_type
        assert "attachment" in response["Content-Disposition"]
        data = response.content
        assert data.startswith(MAGIC[fmt])
        files[fmt] = data
    return files


def test_a_viewer_makes_the_pack_with_one_button_and_downloads_each_file(
    client: Client, alpha: Alpha, users_a: dict[Role, User]
) -> None:
    viewer = signed_in(client, users_a[Role.VIEWER])
    page = viewer.get(PACK)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Make the report pack" in body
    assert body.count('type="submit" class="ds_button"') == 1
    assert 'href="/reports/"' in body  # the navigation's link
    token = make_pack(viewer)
    files = download_all(viewer, token)
    texts = {fmt: text_of(fmt, data) for fmt, data in files.items()}
    pdf = texts[PackFormat.PDF]
    assert "Alpha Council" in pdf
    assert all(mark in pdf for mark in MARKS)
    assert f"It found {alpha.errors} error" in pdf
    assert "LEARNED-MARK" in texts[PackFormat.PPTX]
    for fmt, text in texts.items():
        assert REF_PREFIX not in text, fmt
        assert not re.search(rf"\b{INITIALS}\b", text), fmt
        assert not any(reference in text for reference in alpha.references), fmt
        assert not [marker for marker in B_MARKERS if marker in text], fmt
        assert not [born for born in alpha.births if set(written(born)) & words(text)], fmt
    assert len(alpha.births) > 30, "too few dates of birth to check for the test to mean much"
    # The search finds the dates the files do hold (milestones, the meeting's date).
    assert all(words(text) for text in texts.values())
    # The page lists the pack made, for the next person to download.
    assert f"/reports/packs/{token}/" in viewer.get(PACK).content.decode()


def test_the_last_meeting_can_be_chosen_and_a_future_one_is_refused(
    client: Client, alpha: Alpha, users_a: dict[Role, User]
) -> None:
    lead = signed_in(client, users_a[Role.DATA_LEAD])
    future = (alpha.today.replace(year=alpha.today.year + 1)).isoformat()
    response = lead.post(PACK, {"since": future})
    assert response.status_code == 200
    refused = response.content.decode()
    assert "The last meeting cannot be after today." in refused
    # Said in the error summary, linked to the field, and beside the field in the form.
    assert '<a href="#id_since">The last meeting cannot be after today.</a>' in refused
    assert f'value="{future}"' in refused
    assert lead.get(PACK).content.decode().count("/reports/packs/") == 0
    # A last meeting long ago reports the older cycle too.
    token = make_pack(lead, since=alpha.today.replace(year=alpha.today.year - 1).isoformat())
    ready = lead.get(f"/reports/packs/{token}/").content.decode()
    assert alpha.today.replace(year=alpha.today.year - 1).strftime("%-d %B %Y") in ready


@pytest.mark.parametrize("role", [Role.NATIONAL])
def test_roles_that_cannot_see_the_aims_are_refused(
    client: Client, alpha: Alpha, users_a: dict[Role, User], role: Role
) -> None:
    person = signed_in(client, users_a[role])
    assert person.get(PACK).status_code == 403
    assert person.post(PACK, {"since": ""}).status_code == 403


def test_nobody_signed_out_reaches_the_pack(client: Client, alpha: Alpha) -> None:
    response = client.get(PACK)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(PACK).status_code == 302


def test_another_authoritys_people_cannot_reach_the_pack(
    client: Client,
    alpha: Alpha,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
) -> None:
    token = make_pack(signed_in(client, users_a[Role.VIEWER]))
    bravo = signed_in(client, users_b[Role.ADMINISTRATOR])
    assert bravo.get(f"/reports/packs/{token}/").status_code == 404
    for fmt in PackFormat:
        assert bravo.get(f"/reports/packs/{token}/{fmt.value}").status_code == 404
    assert token not in bravo.get(PACK).content.decode()
    # A token that is not a token finds nothing either.
    assert bravo.get("/reports/packs/..%2F..%2F/pdf").status_code == 404


def test_a_pack_is_kept_a_week_and_then_is_gone(
    client: Client, alpha: Alpha, users_a: dict[Role, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from permanence.web.reports import storage

    lead = signed_in(client, users_a[Role.DATA_LEAD])
    token = make_pack(lead)
    assert lead.get(f"/reports/packs/{token}/").status_code == 200
    # As if the week had passed (no new pack has been made to clear it away):
    monkeypatch.setattr(storage, "KEEP_FOR", timedelta(days=-1))
    page = lead.get(f"/reports/packs/{token}/")
    assert page.status_code == 404
    assert token not in lead.get(PACK).content.decode()
