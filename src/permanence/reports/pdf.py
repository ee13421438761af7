"""The pack as a tagged, accessible PDF (PDF/UA-1), drawn by WeasyPrint from HTML.

The HTML comes from the Jinja2 templates in ``templates/pack/`` (shipped with the
package), with autoescaping on: every value is escaped by the template engine, never by
hand. This module only turns ``PackContent`` into the rows and values they print. No
Django. WeasyPrint turns the HTML's structure into the PDF's tags, so it is written for
that:

- ``<html lang="en-GB">`` and ``<title>`` become the document's language and title
  (shown in the window's title bar: ``DisplayDocTitle``);
- one ``<h1>``, then an ``<h2>`` per section (``PackContent.sections``) and ``<h3>``
  and ``<h4>`` inside, never skipping a level;
- each chart is an ``<img>`` of the chart's own SVG (``charts.render_svg``, so it stays
  sharp at any zoom) with the chart's text alternative as ``alt``: a ``Figure`` tag with
  ``/Alt``; its findings are in words beside it as well;
- tables have a ``<caption>``, ``<th scope="col">`` column headers and a ``<th
  scope="row">`` first cell, which WeasyPrint links to every data cell (``/Headers``);
- page headers and numbers are in the page margins, which WeasyPrint keeps out of the
  structure tree (they are decoration, repeated on every page).

Layout: A4 portrait; every section starts on a new page; headings are kept with what
follows them, and figures and table rows are never split across pages.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Final

import polars as pl
from markupsafe import Markup

from permanence.charts import ChartSpec
from permanence.pages.html import templates
from permanence.pages.process_map import MAP_HEADINGS
from permanence.pages.stages import STAGE_HEADINGS
from permanence.reports.content import (
    PACK_TITLE,
    CycleItem,
    PackContent,
    QualitySummary,
    RiskItem,
    Section,
    SectionKind,
    long_date,
    short_date,
)
from permanence.reports.figures import PDF_CHART_WIDTH, svgs
from permanence.reports.measure_aims import MEASURE_AIM_HEADINGS

LANGUAGE: Final = "en-GB"
#: A table of figures (``keep``) of at most this many rows is never split across pages.
KEEP_TOGETHER_ROWS: Final = 12


def render_pdf(content: PackContent, images: Mapping[str, str] | None = None) -> bytes:
    """The pack as PDF/UA-1 bytes. ``images`` (chart name -> SVG, ``figures.svgs``) saves
    drawing the charts again when the caller already has them."""
    import weasyprint  # type: ignore[import-untyped]  # heavy: only when a PDF is made

    images = dict(images) if images is not None else svgs(content.charts())
    document = weasyprint.HTML(string=pack_html(content, images))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    return bytes(pdf)


# ---------------------------------------------------------------------------------------
# The document


def pack_html(content: PackContent, images: Mapping[str, str]) -> str:
    """The whole pack as one HTML document, ready for WeasyPrint."""

    def chart_source(chart: ChartSpec) -> str:
        """A chart's SVG as a data address for an ``<img>``."""
        svg = images.get(chart.name) or svgs([chart], PDF_CHART_WIDTH)[chart.name]
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return "data:image/svg+xml;base64," + encoded

    return (
        templates("permanence.reports")
        .get_template("pack/pack.html")
        .render(
            content=content,
            sections=content.sections(),
            description=_description(content),
            page_header=f"{content.authority_name} · {PACK_TITLE}",
            chart_source=chart_source,
            **_HELPERS,
        )
    )


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, for the page margins' ``content``: quotes and
    backslashes escaped the CSS way, and ``<`` too, so nothing can close the style."""
    escaped = "".join(
        "\\" + char if char in '"\\' else "\\3c " if char == "<" else char for char in text
    )
    return Markup(f'"{escaped}"')  # noqa: S704 - escaped just above, for CSS


#: Short sections follow on from the one before; the rest begin a page.
_FOLLOW_ON: Final = frozenset({SectionKind.PROGRESS, SectionKind.RISKS, SectionKind.QUALITY})


def _page_class(section: Section) -> str:
    return "follow-on" if section.kind in _FOLLOW_ON else "new-page"


def _description(content: PackContent) -> str:
    return (
        f"The data and the improvement work of {content.authority_name}'s Champions' Group "
        f"for its meeting on {long_date(content.meeting_date)}."
    )


# ---------------------------------------------------------------------------------------
# The rows the sections' tables print


def _aim_rows(content: PackContent) -> list[tuple[str, ...]]:
    return [
        (
            f"{summary.aim.title}{'' if summary.aim.national else ' (local aim)'}",
            summary.met_text,
            str(summary.still_waiting),
            str(summary.past_target),
            str(summary.left_without_end),
        )
        for summary in content.aims
    ]


def _stage_rows(content: PackContent) -> list[tuple[str, ...]]:
    return [row.cells() for row in content.stages]


def _map_rows(content: PackContent) -> list[tuple[str, ...]]:
    return list(content.process_map.table()) if content.process_map is not None else []


def _cycle_rows(cycle: CycleItem, closed: bool) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = [
        ("Project", cycle.project),
        ("When", cycle.dates),
        ("Tested under", cycle.conditions[:1].upper() + cycle.conditions[1:]),
    ]
    if cycle.change_tested:
        rows.append(("The change tested", cycle.change_tested))
    rows.append(("What it hoped to achieve", cycle.hoped_to_achieve))
    if closed:
        rows += [
            ("What was learned", cycle.learned),
            ("Next steps", cycle.next_steps),
            ("Decision", cycle.decision or "Not recorded"),
        ]
    return rows


def _progress_rows(content: PackContent) -> list[tuple[str, ...]]:
    return [
        (
            item.project,
            item.aim,
            item.phase or "Not assessed yet",
            item.score,
            item.change
            + (f" (assessed {long_date(item.assessed_on)})" if item.assessed_on else ""),
        )
        for item in content.progress
    ]


def _measure_aim_rows(content: PackContent) -> list[tuple[str, ...]]:
    return [item.cells() for item in content.measure_aims]


def _frame_rows(frame: pl.DataFrame) -> list[tuple[str, ...]]:
    """A chart's data as the table's text: whole numbers with thousands separators."""
    return [
        tuple(
            "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
            for value in row
        )
        for row in frame.iter_rows()
    ]


def _action_rows(content: PackContent) -> list[tuple[str, ...]]:
    return [
        (
            action.what,
            action.owner,
            action.due_text(content.meeting_date),
            f"Agreed {short_date(action.agreed_on)}",
        )
        for action in content.group_actions
    ]


def _risk_rows(content: PackContent) -> list[tuple[str, ...]]:
    return [_risk_row(risk) for risk in content.risks]


def _risk_row(risk: RiskItem) -> tuple[str, ...]:
    return (
        f"{risk.kind}: {risk.description}",
        f"{risk.project}; owner {risk.owner}",
        risk.rating_text,
        risk.actions or "None recorded",
        f"{risk.status}. {risk.dates}",
    )


def _quality_table_rows(quality: QualitySummary) -> list[tuple[str, ...]]:
    return [
        (
            table.table,
            f"{table.read:,}",
            f"{table.loaded:,}",
            f"{table.refused:,}",
            f"{table.queried:,}",
            f"{table.repeats:,}",
        )
        for table in quality.tables
    ]


def _rules_caption(quality: QualitySummary) -> str:
    shown = quality.rules_shown
    more = len(quality.rules) - len(shown)
    caption = "The most frequent issues, by rule"
    if more:
        caption += f" (the {len(shown)} most frequent of {len(quality.rules)} rules)"
    return caption


def _rule_rows(quality: QualitySummary) -> list[tuple[str, ...]]:
    return [
        (rule.rule, rule.severity.capitalize(), f"{rule.count:,}", rule.message)
        for rule in quality.rules_shown
    ]


#: What the templates call, beside the pack's own values.
_HELPERS: Final[dict[str, Any]] = {
    "language": LANGUAGE,
    "pack_title": PACK_TITLE,
    "keep_together_rows": KEEP_TOGETHER_ROWS,
    "stage_headings": STAGE_HEADINGS,
    "long_date": long_date,
    "css_string": css_string,
    "page_class": _page_class,
    "aim_rows": _aim_rows,
    "stage_rows": _stage_rows,
    "map_headings": MAP_HEADINGS,
    "map_rows": _map_rows,
    "cycle_rows": _cycle_rows,
    "progress_rows": _progress_rows,
    "risk_rows": _risk_rows,
    "action_rows": _action_rows,
    "measure_aim_headings": MEASURE_AIM_HEADINGS,
    "measure_aim_rows": _measure_aim_rows,
    "frame_rows": _frame_rows,
    "quality_table_rows": _quality_table_rows,
    "rules_caption": _rules_caption,
    "rule_rows": _rule_rows,
}
