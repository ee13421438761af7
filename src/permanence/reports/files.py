"""Making the pack's three files from its content, and naming them.

The PDF draws each chart as SVG and the slides as PNG; the spreadsheet needs no picture.
``make_files`` draws only what the formats asked for need, once each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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
    """``champions-group-pack-FIF-2026-09-30.pdf``: the authority's code and the day."""
    code = _UNSAFE.sub("-", content.authority_code).strip("-") or "authority"
    return f"champions-group-pack-{code}-{content.meeting_date.isoformat()}.{fmt.value}"


def make_files(
    content: PackContent, formats: Iterable[PackFormat] = ALL_FORMATS
) -> dict[PackFormat, bytes]:
    """The bytes of each of ``formats``, in the order asked."""
    from permanence.reports.pdf import render_pdf
    from permanence.reports.pptx import render_pptx
    from permanence.reports.xlsx import render_xlsx

    made: dict[PackFormat, bytes] = {}
    for fmt in dict.fromkeys(PackFormat(value) for value in formats):
        if fmt is PackFormat.PDF:
            made[fmt] = render_pdf(content, svgs(content.charts()))
        elif fmt is PackFormat.PPTX:
            made[fmt] = render_pptx(content, pngs(content.charts()))
        else:
            made[fmt] = render_xlsx(content)
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
