"""Making the pack's three files from its content, and naming them.

The PDF draws each chart as SVG and the slides as PNG; the spreadsheet needs no picture.
``make_files`` draws only what the formats asked for need, once each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Final

from permanence.reports.content import PackContent
from permanence.reports.figures import pngs, svgs


class PackFormat(StrEnum):
    PDF = "pdf"
    PPTX = "pptx"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def label(self) -> str:
        return LABELS[self]


MEDIA_TYPES: Final[Mapping[PackFormat, str]] = {
    PackFormat.PDF: "application/pdf",
    PackFormat.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    PackFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LABELS: Final[Mapping[PackFormat, str]] = {
    PackFormat.PDF: "The report (PDF, accessible)",
    PackFormat.PPTX: "The slides (PowerPoint)",
    PackFormat.XLSX: "The data behind every chart (spreadsheet)",
}
ALL_FORMATS: Final = tuple(PackFormat)
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_-]+")


def file_name(content: PackContent, fmt: PackFormat) -> str:
    """``champions-group-pack-FIF-2026-09-30.pdf``: the authority's code and the day (and
    ``-as-of-2025-03-31`` when the figures are measured as of a past day)."""
    code = _UNSAFE.sub("-", content.authority_code).strip("-") or "authority"
    measured = "" if content.measured_on is None else f"-as-of-{content.measured_on.isoformat()}"
    return f"champions-group-pack-{code}-{content.meeting_date.isoformat()}{measured}.{fmt.value}"


#: Told how many of the pack's pieces (each chart drawn, each file written) are done, of
#: how many in all.
PackProgress = Callable[[int, int], None]


def make_files(
    content: PackContent,
    formats: Iterable[PackFormat] = ALL_FORMATS,
    progress: PackProgress | None = None,
) -> dict[PackFormat, bytes]:
    """The bytes of each of ``formats``, in the order asked.

    ``progress`` hears how many pieces are done as they are: each chart drawn for a
    format that needs pictures, and each file made.
    """
    from permanence.reports.pdf import render_pdf
    from permanence.reports.pptx import render_pptx
    from permanence.reports.xlsx import render_xlsx

    wanted = list(dict.fromkeys(PackFormat(value) for value in formats))
    charts = content.charts()
    drawn = sum(len(charts) for fmt in wanted if fmt is not PackFormat.XLSX)
    total = drawn + len(wanted)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    made: dict[PackFormat, bytes] = {}
    for fmt in wanted:
        if fmt is PackFormat.PDF:
            pictures: dict[str, str] = {}
            for chart in charts:
                pictures.update(svgs([chart]))
                step()
            made[fmt] = render_pdf(content, pictures)
        elif fmt is PackFormat.PPTX:
            slides: dict[str, bytes] = {}
            for chart in charts:
                slides.update(pngs([chart]))
                step()
            made[fmt] = render_pptx(content, slides)
        else:
            made[fmt] = render_xlsx(content)
        step()
    return made


def write_files(files: Mapping[PackFormat, bytes], paths: Mapping[PackFormat, Path]) -> list[Path]:
    """Write each file to its path (making folders as needed); returns the paths."""
    written = []
    for fmt, data in files.items():
        path = paths[fmt]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
