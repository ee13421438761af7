"""The pack as a tagged, accessible PDF (PDF/UA-1), drawn by WeasyPrint from HTML.

The HTML is written here with f-strings, every value passed through ``html.escape``
(``_e``): no template engine, no Django. WeasyPrint turns its structure into the PDF's
tags, so the HTML is written for that:

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
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Final

from permanence.charts import ChartSpec
from permanence.pages.stages import STAGE_HEADINGS
from permanence.reports.content import (
    PACK_TITLE,
    AimCharts,
    CycleItem,
    PackContent,
    QualitySummary,
    RiskItem,
    Section,
    SectionKind,
    long_date,
)
from permanence.reports.figures import PDF_CHART_WIDTH, svgs

LANGUAGE: Final = "en-GB"
#: A table of figures (``keep``) of at most this many rows is never split across pages.
KEEP_TOGETHER_ROWS: Final = 12


def _e(value: object) -> str:
    """Any value as HTML text, escaped (quotes too: values go into attributes)."""
    return escape(str(value), quote=True)


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
    writers: dict[SectionKind, Callable[[PackContent, Section, Mapping[str, str]], str]] = {
        SectionKind.AIMS: _aims,
        SectionKind.RUN_CHART: _run_chart,
        SectionKind.STILL_WAITING: _still_waiting,
        SectionKind.SURVIVAL: _survival,
        SectionKind.STAGES: _stages,
        SectionKind.CYCLES: _cycles,
        SectionKind.RISKS: _risks,
        SectionKind.QUALITY: _quality,
    }
    sections = content.sections()
    body = "\n".join(
        f'<section id="{_e(section.anchor)}" class="{_e(_page_class(section))}" '
        f'aria-labelledby="{_e(section.anchor)}-heading">'
        f'<h2 id="{_e(section.anchor)}-heading">{_e(section.heading)}</h2>'
        f"{writers[section.kind](content, section, images)}</section>"
        for section in sections
    )
    return (
        f'<!doctype html>\n<html lang="{LANGUAGE}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(content.title)}</title>\n"
        f'<meta name="author" content="{_e(content.authority_name)}">\n'
        f'<meta name="description" content="{_e(_description(content))}">\n'
        f'<meta name="generator" content="permanence">\n'
        f"<style>{_css(content)}</style>\n</head>\n<body>\n"
        f"{_cover(content, sections)}\n{body}\n</body>\n</html>\n"
    )


#: Short sections follow on from the one before; the rest begin a page.
_FOLLOW_ON: Final = frozenset({SectionKind.RISKS, SectionKind.QUALITY})


def _page_class(section: Section) -> str:
    return "follow-on" if section.kind in _FOLLOW_ON else "new-page"


def _description(content: PackContent) -> str:
    return (
        f"The data and the improvement work of {content.authority_name}'s Champions' Group "
        f"for its meeting on {long_date(content.meeting_date)}."
    )


def _cover(content: PackContent, sections: Sequence[Section]) -> str:
    entries = "".join(
        f'<li><a href="#{_e(section.anchor)}">{_e(section.heading)}</a></li>'
        for section in sections
    )
    return (
        '<header class="cover">'
        f"<h1>{_e(PACK_TITLE)}</h1>"
        f'<p class="authority">{_e(content.authority_name)}</p>'
        f'<p class="meeting">For the meeting on {_e(long_date(content.meeting_date))}. '
        f"{_e(content.dates_sentence())} The improvement work is reported "
        f"{_e(content.since_text)}, the last meeting.</p>"
        f'<p class="opening">{_e(content.opening())}</p>'
        f'<h2 class="contents-heading">In this pack</h2><ol class="contents">{entries}</ol>'
        f'<p class="privacy">{_e(content.privacy_note())}</p>'
        "</header>"
    )


# ---------------------------------------------------------------------------------------
# Sections


def _aims(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    rows = [
        (
            f"{summary.aim.title}{'' if summary.aim.national else ' (local aim)'}",
            summary.met_text,
            str(summary.still_waiting),
            str(summary.past_target),
            str(summary.left_without_end),
        )
        for summary in content.aims
    ]
    table = _table(
        caption=(
            f"Each aim on {long_date(content.meeting_date)}: the percentage who met it is of "
            "the children whose outcome is known"
        ),
        headers=(
            "Aim",
            "Met the aim",
            "Still waiting",
            "Waiting past the target",
            "Left care without it",
        ),
        rows=rows,
        numeric=(False, True, True, True, True),
        css="aims-table",
        keep=True,
    )
    # Each aim's words are kept together, so no page holds only the end of one; the
    # opening sentence is on the cover, a page before.
    details = "".join(
        f'<div class="keep"><h3>{_e(summary.aim.title)}</h3>'
        f'<p class="statement">{_e(summary.aim.statement)}</p>'
        f'<p class="headline">{_e(summary.headline)}</p>'
        + (f"<p>{_e(summary.progress)}</p>" if summary.progress else "")
        + "</div>"
        for summary in content.aims
    )
    return f"{table}{details}"


def _run_chart(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    aim = _aim_of(section)
    sentences = "".join(f"<li>{_e(line)}</li>" for line in aim.findings)
    return (
        f'<p class="statement">{_e(aim.statement)}</p>'
        f"{_figure(aim.run_chart, images, caption=False, css='run-chart')}"
        f'<h3>What the run chart says</h3><ul class="findings">{sentences}</ul>'
    )


def _still_waiting(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    aim = _aim_of(section)
    words = "".join(f"<li>{_e(line)}</li>" for line in aim.waiting_words)
    return (
        f'<ul class="findings">{words}</ul>'
        '<p class="note">When these children get their decision they move up into the run '
        "chart, which may make it look worse for a while: that is honest, and it is the "
        f"point.</p>{_figure(aim.still_waiting, images)}"
    )


def _survival(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    chart = content.survival
    if chart is None:  # pragma: no cover - the section is only listed with a chart
        return ""
    return (
        "<p>Each line follows the children whose clock started in one year, from that day: "
        "how many in every hundred had reached the milestone by each week. Children still "
        "waiting count for as long as they have waited, so nobody is left out.</p>"
        f"{_figure(chart, images, caption=False)}"
        f"<h3>Why this differs from the run chart</h3><p>{_e(content.survival_words)}</p>"
    )


def _stages(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    rows = [row.cells() for row in content.stages]
    table = _table(
        caption=f"Days in each stage of the journey, on {long_date(content.meeting_date)}",
        headers=STAGE_HEADINGS,
        rows=rows,
        numeric=(False, True, True, True, True, True, True),
        css="stages-table",
        keep=True,
    )
    return (
        f'<p class="headline">{_e(content.stage_sentence)}</p>'
        f"<p>{_e(content.stage_children)} accommodated children are counted. Each stage runs "
        "from the milestone before it to the milestone that ends it; a child still on the "
        "way counts the days so far in the stage they are in now. The share is of every day "
        "the children have waited, so the stage at the top is where most of the delay "
        f"lies.</p>{table}"
    )


def _cycles(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    parts = [f"<p>{_e(content.cycles_sentence())}</p>"]
    if content.cycles_closed:
        parts.append("<h3>Closed since the last meeting: what was learned</h3>")
        parts += [_cycle(cycle, closed=True) for cycle in content.cycles_closed]
    if content.cycles_opened:
        parts.append("<h3>Begun since the last meeting</h3>")
        parts += [_cycle(cycle, closed=False) for cycle in content.cycles_opened]
    return "".join(parts)


def _cycle(cycle: CycleItem, *, closed: bool) -> str:
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
    table = _table(
        caption=(
            "What the cycle set out to do, and what it taught"
            if closed
            else "What the cycle sets out to do"
        ),
        headers=("", ""),
        rows=rows,
        css="record",
        header_row=False,
    )
    return f'<div class="cycle"><h4>{_e(cycle.name)}</h4>{table}</div>'


def _risks(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    if not content.risks:
        return f"<p>{_e(content.risks_sentence())}</p>"
    table = _table(
        caption="The open risks and issues, the highest rating first",
        headers=("Risk or issue", "Project and owner", "Rating", "Actions", "Status"),
        rows=[_risk_row(risk) for risk in content.risks],
        css="risks-table",
    )
    return f"<p>{_e(content.risks_sentence())}</p>{table}"


def _risk_row(risk: RiskItem) -> tuple[str, ...]:
    return (
        f"{risk.kind}: {risk.description}",
        f"{risk.project}; owner {risk.owner}",
        risk.rating_text,
        risk.actions or "None recorded",
        f"{risk.status}. {risk.dates}",
    )


def _quality(content: PackContent, section: Section, images: Mapping[str, str]) -> str:
    quality = content.quality
    if quality is None:
        return "<p>No import has been loaded yet, so there is no data-quality summary.</p>"
    parts = [f'<p class="headline">{_e(quality.sentence())}</p>']
    if quality.has_figures:
        parts += [_quality_tables(quality), _quality_rules(quality)]
    parts.append(
        "<p>Looking closely at the data reveals records that are wrong, which can then be "
        "corrected in the case recording system. The full data-quality report, child by "
        "child, is on the import's page for the people allowed to see it.</p>"
    )
    return "".join(parts)


def _quality_tables(quality: QualitySummary) -> str:
    return _table(
        caption="What became of each table's rows",
        headers=("Table", "Rows read", "Loaded", "Refused", "Loaded with a query", "Repeats"),
        rows=[
            (
                table.table,
                f"{table.read:,}",
                f"{table.loaded:,}",
                f"{table.refused:,}",
                f"{table.queried:,}",
                f"{table.repeats:,}",
            )
            for table in quality.tables
        ],
        numeric=(False, True, True, True, True, True),
        keep=True,
    )


def _quality_rules(quality: QualitySummary) -> str:
    if not quality.rules:
        return "<p>No rule found anything to query or refuse.</p>"
    shown = quality.rules_shown
    more = len(quality.rules) - len(shown)
    caption = "The most frequent issues, by rule"
    if more:
        caption += f" (the {len(shown)} most frequent of {len(quality.rules)} rules)"
    return _table(
        caption=caption,
        headers=("Rule", "Severity", "Issues", "What it means"),
        rows=[
            (rule.rule, rule.severity.capitalize(), f"{rule.count:,}", rule.message)
            for rule in shown
        ],
        numeric=(False, False, True, False),
        css="rules-table",
        keep=True,
    )


# ---------------------------------------------------------------------------------------
# Building blocks


def _aim_of(section: Section) -> AimCharts:
    if section.aim is None:  # pragma: no cover - chart sections always carry their aim
        raise ValueError(f"section {section.heading!r} has no aim")
    return section.aim


def _figure(
    chart: ChartSpec, images: Mapping[str, str], *, caption: bool = True, css: str = ""
) -> str:
    """A chart as an image of its SVG, with its text alternative as ``alt``."""
    svg = images.get(chart.name) or svgs([chart], PDF_CHART_WIDTH)[chart.name]
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    note = f"<figcaption>{_e(chart.caption)}</figcaption>" if caption and chart.caption else ""
    attributes = f' class="{_e(css)}"' if css else ""
    return f'<figure{attributes}><img src="{source}" alt="{_e(chart.alt_text)}">{note}</figure>'


def _table(
    *,
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool] | None = None,
    css: str = "",
    header_row: bool = True,
    keep: bool = False,
) -> str:
    """An accessible table: a caption, column headers (``scope="col"``) and the first cell
    of each row as its row header (``scope="row"``). Every cell is escaped. A ``keep``
    table of a few rows is never split across pages."""
    right = list(numeric) if numeric is not None else [False] * len(headers)

    def cell(index: int, text: str) -> str:
        align = ' class="numeric"' if right[index] else ""
        if index == 0:
            return f'<th scope="row"{align}>{_e(text)}</th>'
        return f"<td{align}>{_e(text)}</td>"

    def column(index: int, text: str) -> str:
        align = ' class="numeric"' if right[index] else ""
        return f'<th scope="col"{align}>{_e(text)}</th>'

    head = ""
    if header_row:
        head = (
            "<thead><tr>"
            + "".join(column(i, text) for i, text in enumerate(headers))
            + "</tr></thead>"
        )
    body = "".join(
        "<tr>" + "".join(cell(i, text) for i, text in enumerate(row)) + "</tr>" for row in rows
    )
    attributes = f' class="{_e(css)}"' if css else ""
    table = (
        f"<table{attributes}><caption>{_e(caption)}</caption>{head}<tbody>{body}</tbody></table>"
    )
    if keep and len(rows) <= KEEP_TOGETHER_ROWS:
        # Kept whole in a block: WeasyPrint would otherwise let the caption stay behind.
        return f'<div class="keep">{table}</div>'
    return table


def _css(content: PackContent) -> str:
    header = escape(f"{content.authority_name} · {PACK_TITLE}", quote=False).replace('"', "'")
    day = long_date(content.meeting_date)
    return f"""
@page {{
  size: A4;
  margin: 20mm 17mm 20mm 17mm;
  @top-left {{ content: "{header}"; font-size: 8pt; color: #4b4b4b; }}
  @top-right {{ content: "{day}"; font-size: 8pt; color: #4b4b4b; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages);
                   font-size: 8pt; color: #4b4b4b; }}
}}
@page :first {{ @top-left {{ content: none; }} @top-right {{ content: none; }} }}
html {{ font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt;
        line-height: 1.4; color: #1b1b1b; }}
body {{ margin: 0; }}
h1 {{ font-size: 26pt; line-height: 1.15; color: #002d54; margin: 30mm 0 4mm; }}
h2 {{ font-size: 17pt; line-height: 1.2; color: #002d54; margin: 0 0 4mm; }}
h3 {{ font-size: 12.5pt; color: #002d54; margin: 5mm 0 2mm; }}
h4 {{ font-size: 11pt; margin: 4mm 0 1.5mm; }}
h2, h3, h4 {{ break-after: avoid; }}
p {{ margin: 0 0 2.5mm; orphans: 2; widows: 2; }}
section.new-page {{ break-before: page; }}
section.follow-on {{ margin-top: 10mm; }}
a {{ color: #0065bd; }}
.cover .authority {{ font-size: 17pt; font-weight: bold; margin-bottom: 6mm; }}
.cover .meeting, .cover .opening {{ font-size: 12pt; }}
.cover .contents-heading {{ margin-top: 10mm; font-size: 14pt; }}
.contents {{ font-size: 11pt; padding-left: 6mm; }}
.contents li {{ margin-bottom: 1mm; }}
.contents a {{ text-decoration: none; color: #1b1b1b; }}
.contents a::after {{ content: leader(".") target-counter(attr(href), page); }}
.privacy {{ margin-top: 8mm; padding: 3mm 4mm; border-left: 2mm solid #0065bd;
            background: #f0f4f8; }}
.statement {{ font-style: italic; }}
.headline {{ font-weight: bold; }}
.note {{ color: #333333; font-size: 9.5pt; }}
ul.findings {{ margin: 0 0 3mm; padding-left: 5mm; }}
ul.findings li {{ margin-bottom: 1mm; }}
figure {{ margin: 2mm 0 4mm; break-inside: avoid; }}
figure img {{ display: block; width: auto; height: auto; max-width: 100%; max-height: 165mm;
              margin: 0 auto; }}
table.aims-table tbody th {{ width: 30%; }}
figure.run-chart img {{ max-height: 140mm; }}
div.keep {{ break-inside: avoid; }}
figcaption {{ font-size: 9.5pt; color: #333333; margin-top: 1.5mm; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 0 0 5mm; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; padding: 0 0 1.5mm; }}
th, td {{ border-bottom: 0.5pt solid #b3b3b3; padding: 1.4mm 1.8mm; text-align: left;
          vertical-align: top; }}
thead th {{ border-bottom: 1.2pt solid #002d54; font-weight: bold; }}
tbody th {{ font-weight: bold; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.numeric {{ text-align: right; }}
table.record th {{ width: 28%; color: #002d54; }}
table.record caption {{ font-weight: normal; color: #4b4b4b; font-size: 9pt; }}
div.cycle {{ break-inside: avoid; }}
table.rules-table td:last-child {{ width: 55%; }}
table.risks-table {{ font-size: 9pt; }}
"""
