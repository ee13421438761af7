"""The dashboards a Champions' Group meets around: the aims overview, an aim's run chart
with the children still waiting, where children wait, and every chart's downloads.

Every view needs ``VIEW_AGGREGATES``: figures, charts and tables in which a child is named
only by a pseudonymous reference. A role that may open a child's record
(``VIEW_CHILD_RECORDS``) also gets a link to the child's journey from each dot and bar;
nobody else gets any link, in the page, the chart's data or its downloads.

The pages are worked out by ``permanence.pages`` from the cached journeys frame
(``kernel.cache``) and their bodies are cached per filter set, so a page is served in a
few milliseconds until the authority's records change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, Final, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from permanence.analysis.aims import AimDefinition
from permanence.analysis.balancing import BalancingFigure, balancing_figures
from permanence.analysis.equity import Breakdown, breakdowns
from permanence.charts import ChartSpec, ImprovementMarks, render_png, render_svg
from permanence.charts.annotations import is_note
from permanence.pages.aim_page import AimPage, aim_page, by_team_chart
from permanence.pages.filter_form import FORM_INTRO, filter_choices, form_fields
from permanence.pages.filters import Filters, filter_rows, measuring_date, parse_filters
from permanence.pages.identity import CHILD_LABEL, Identity
from permanence.pages.overview import NO_IMPROVEMENT, overview
from permanence.pages.process_map import balancing_text, map_rows_of
from permanence.pages.stages import StagesPage, stages_page
from permanence.pages.tables import table_html, to_csv
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.dashboards.phases import PHASES_SLOT, phases_section
from permanence.web.improvement.chart_notes import aim_key, aim_points, notes_section
from permanence.web.improvement.measure_aims import measure_aims_serving, measure_aims_standing
from permanence.web.improvement.models import LocalAim
from permanence.web.kernel import cache
from permanence.web.kernel.addresses import tidy_address
from permanence.web.kernel.cache import AuthorityData, authority_data, cached

FORMATS: Final[dict[str, str]] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv; charset=utf-8",
}
#: A chart's data as a table on a page of its own (``.html``), for tables too long to
#: send with every view of the chart's page.
TABLE_PAGE: Final = "html"
#: Tables with more rows than this are not sent in the page: the page links to them (and
#: fetches one when its "show the data" is opened).
TABLE_INLINE_ROWS: Final = 250


@dataclass(frozen=True)
class Viewing:
    """One request's view of the dashboards: whose data, which filters, for whom."""

    data: AuthorityData
    filters: Filters
    problems: tuple[str, ...]
    identity: Identity
    audience: str

    @property
    def query(self) -> str:
        return self.filters.query()

    def key(self, *parts: Hashable) -> tuple[Hashable, ...]:
        return (*parts, self.filters.key(), self.audience)


def viewing(request: HttpRequest) -> Viewing:
    user = cast(User, request.user)
    assert user.authority_id is not None  # ``requires`` refuses people without one
    params = dict(request.GET.lists())
    # The measuring date first: the data is built as of it (nothing later is known).
    day = cache.today()
    data = authority_data(user.authority_id, measuring_date(params, today=day))
    parsed = parse_filters(params, teams=data.teams, as_of=data.as_of, today=day)
    can_open = user.can(Capability.VIEW_CHILD_RECORDS)
    return Viewing(
        data=data,
        filters=parsed.filters,
        problems=parsed.problems,
        identity=Identity(data.pseudonyms, data.hrefs if can_open else None),
        audience="identified" if can_open else "pseudonymous",
    )


# ---------------------------------------------------------------------------------------
# Charts on a page


@dataclass(frozen=True)
class ChartBlock:
    """A chart as a page shows it: the spec for vega-embed, its text alternative, its
    data as a table, its downloads, and the image a printer uses."""

    chart: ChartSpec
    dom_id: str
    spec_script: SafeString
    table: SafeString  # empty when the table is too long to send with the page
    downloads: Mapping[str, str]
    rows: int

    @property
    def print_src(self) -> str:
        return self.downloads["png"]


def chart_block(
    chart: ChartSpec,
    download: Callable[[str], str],
    *,
    links: Mapping[str, str] | None = None,
    link_column: str | None = None,
) -> ChartBlock:
    dom_id = f"chart-{chart.name}"
    rows = chart.data.height
    table = (
        data_table(chart, links=links, link_column=link_column) if rows <= TABLE_INLINE_ROWS else ""
    )
    return ChartBlock(
        chart=chart,
        dom_id=dom_id,
        spec_script=json_script(chart.spec, f"{dom_id}-spec"),
        table=mark_safe(table),  # noqa: S308 - every cell escaped by table_html
        downloads={fmt: download(fmt) for fmt in (*FORMATS, TABLE_PAGE)},
        rows=rows,
    )


def data_table(
    chart: ChartSpec, *, links: Mapping[str, str] | None = None, link_column: str | None = None
) -> str:
    """The chart's data as an HTML table (every cell escaped)."""
    return table_html(
        chart.data,
        caption=f"The data of the chart: {chart.title}",
        links=links,
        link_column=link_column,
        table_id=f"chart-{chart.name}-table",
    )


def _addresses(name: str, args: list[str], query: str) -> Callable[[str], str]:
    def address(fmt: str) -> str:
        url = reverse(name, args=[*args, fmt])
        return f"{url}?{query}" if query else url

    return address


# ---------------------------------------------------------------------------------------
# Pages


def _page(
    request: HttpRequest,
    view: Viewing,
    *,
    title: str,
    lead: str,
    body: str,
    action: str,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page around a cached body: the filter form (cached too: it depends only on the
    filters), what could not be read from the address, and the address to share."""

    def form() -> str:
        choices = filter_choices(view.data.frame)
        return render_to_string(
            "dashboards/_filters.html",
            {
                "filters": view.filters,
                "fields": form_fields(choices, view.filters),
                "filters_intro": FORM_INTRO,
                "action": action,
            },
        )

    return render(
        request,
        "dashboards/page.html",
        {
            "title": title,
            "lead": lead,
            "form": mark_safe(cached(view.data, "form", (action, *view.key()), form)),  # noqa: S308
            "body": mark_safe(body),  # noqa: S308 - rendered by our own templates
            "problems": view.problems,
            "share_address": request.build_absolute_uri(),
            "authority_name": view.data.name,
            **(extra or {}),
        },
    )


def _lead(view: Viewing, opening: str) -> str:
    """The page's opening sentence, with the day its figures are for and the filters.

    ``opening`` is a phrase ("The aims ... looked after by X") or, for an aim, its
    statement: a whole sentence, which then gets a sentence of its own for the date."""
    described = view.filters.describe()
    day = view.data.as_of
    on_the_day = f"{day.day} {day:%B %Y}"
    if opening.endswith("."):
        text = f"{opening} Figures on {on_the_day}"
    else:
        text = f"{opening} on {on_the_day}"
    text = f"{text}: {described}." if described else f"{text}."
    return f"{text} {extract_sentence(day, view.data.extract_date)}".rstrip()


def extract_sentence(measured: date, taken: date | None) -> str:
    """The measuring date and the day the data was taken, kept apart in words."""
    if taken is None:
        return ""
    when = f"{taken.day} {taken:%B %Y}"
    if measured > taken:
        return (
            f"The latest extract was taken on {when}: what the case recording system has "
            "recorded since is not in these figures unless it was typed in here."
        )
    return f"The records come from an extract taken on {when}."


def _national_team_start_at_the_national_picture(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The national team sees no authority's own figures: their start page is the
    national workspace. Signing in lands on ``home``, so ``home`` sends them on."""

    @wraps(view)
    def sending_on(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.can(Capability.VIEW_NATIONAL)
            and not user.can(Capability.VIEW_AGGREGATES)
        ):
            return redirect("national-home")
        return view(request, *args, **kwargs)

    return sending_on


@_national_team_start_at_the_national_picture
@requires(Capability.VIEW_AGGREGATES)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The aims overview: every national and local aim at a glance."""
    view = viewing(request)
    if tidied := tidy_address(request, view.query, problems=view.problems):
        return tidied

    def body() -> str:
        data = view.data
        figures = overview(data.frame, data.aims, view.filters, data.improvements, as_of=data.as_of)
        aims = [
            {
                "summary": summary,
                "href": _with_query(reverse("dashboard-aim", args=[summary.aim.id]), view.query),
                "trend": chart_block(
                    summary.trend,
                    _addresses("dashboard-aim-chart", [summary.aim.id, "trend"], view.query),
                ),
            }
            for summary in figures.aims
        ]
        return render_to_string(
            "dashboards/overview_body.html",
            {"overview": figures, "aims": aims, "filters": view.filters},
        )

    html = cached(view.data, "overview-html", view.key(), body) + _measure_aims_html(view)
    return _page(
        request,
        view,
        title="Overview",
        lead=_lead(view, f"The aims and the children looked after by {view.data.name}"),
        body=html,
        action=reverse("home"),
        extra={"charts": True},
    )


def _measure_aims_html(
    view: Viewing, aims: list[LocalAim] | None = None, *, within: AimDefinition | None = None
) -> SafeString:
    """The local aims on process measures (all of them, or ``aims``), kept with the data
    version like the rest of the page: saving a meeting, its checklist, an action or a
    decision moves the version on (the meetings app registers its records), so the card
    is never stale. ``within`` is the aim whose page lists those its projects' measures
    serve, under a heading of their own (nothing when there are none)."""

    def body() -> str:
        on_measures = [
            {
                "aim": aim,
                "sentences": progress.sentences(),
                "href": reverse("improvement-aim", args=[aim.pk]),
            }
            for aim, progress in measure_aims_standing(view.data.authority_id, aims)
        ]
        return render_to_string(
            "dashboards/_measure_aims.html", {"on_measures": on_measures, "within": within}
        )

    # Which aims (their list is read on each visit: a measure linked to a project moves
    # it) and the page they are listed on are part of what is kept.
    chosen = None if aims is None else tuple(aim.pk for aim in aims)
    parts = (chosen, within.id if within else None)
    html = cached(view.data, "measure-aims-html", parts, body)
    return mark_safe(html)  # noqa: S308 - the template's own output, autoescaped


def _aim_or_404(view: Viewing, aim_id: str) -> AimDefinition:
    aim = view.data.aim(aim_id)
    if aim is None:
        raise Http404("No aim has that name here.")
    return aim


def aim_page_of(view: Viewing, aim: AimDefinition) -> AimPage:
    data = view.data
    improvement = data.improvements.get(aim.id, NO_IMPROVEMENT)
    return cached(
        data,
        "aim-page",
        view.key(aim.id),
        lambda: aim_page(
            data.frame,
            aim,
            view.filters,
            view.identity,
            improvement,
            as_of=data.as_of,
            decisions=data.decisions,
        ),
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def aim_detail(request: HttpRequest, aim_id: str) -> HttpResponse:
    """An aim's PACE run chart, the children still waiting, the survival curve and the
    P chart."""
    view = viewing(request)
    aim = _aim_or_404(view, aim_id)
    if tidied := tidy_address(request, view.query, problems=view.problems):
        return tidied

    def body() -> str:
        page = aim_page_of(view, aim)

        def block(name: str, chart: ChartSpec, linked: bool = False) -> ChartBlock:
            return chart_block(
                chart,
                _addresses("dashboard-aim-chart", [aim.id, name], view.query),
                links=page.links if linked else None,
                link_column=CHILD_LABEL if linked else None,
            )

        return render_to_string(
            "dashboards/aim_body.html",
            {
                "page": page,
                "aim": aim,
                "summary": page.summary,
                "run": block("run-chart", page.run_chart, linked=True),
                "waiting": block("still-waiting", page.still_waiting, linked=True),
                "survival": block("survival", page.survival) if page.survival else None,
                "competing": block("competing", page.competing) if page.competing else None,
                "p_chart": block("p-chart", page.p_chart),
                "annotations": _numbered(page.improvement),
                "filters": view.filters,
                "overview_href": _with_query(reverse("home"), view.query),
                "by_team_href": _with_query(
                    reverse("dashboard-aim-by-team", args=[aim.id]), view.query
                ),
                # The stability and balancing measures beside the aim (docs/process-map.md).
                "balancing": [(f, balancing_text(f)) for f in balancing_of(view)],
                # Who is being left behind: this aim by each characteristic.
                "equity": [b for b in equity_of(view) if b.aim_id == aim.id],
            },
        )

    html = cached(view.data, "aim-html", view.key(aim.id), body)
    # The phases carry this person's form (its CSRF token, their role's buttons): never
    # cached, put in the cached body where the run chart's findings end.
    phases = phases_section(request, aim, aim_page_of(view, aim), view.query)
    html = html.replace(PHASES_SLOT, phases, 1)
    html += _measure_aims_html(view, measure_aims_serving(aim.id), within=aim)
    html = html.replace(NOTES_SLOT, _notes_section(request, view, aim), 1)
    return _page(
        request,
        view,
        title=f"{aim.title}: the run chart",
        lead=_lead(view, aim.statement or aim.title),
        body=html,
        action=reverse("dashboard-aim", args=[aim.id]),
        extra={"charts": True, "aim": aim},
    )


#: The by-team chart's name among an aim's downloads.
BY_TEAM: Final = "run-chart-by-team"


def by_team_of(view: Viewing, aim: AimDefinition) -> ChartSpec:
    """The aim's run chart for each team, from the aim page's own cached figures."""
    return cached(
        view.data, "aim-by-team", view.key(aim.id), lambda: by_team_chart(aim_page_of(view, aim))
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def aim_by_team(request: HttpRequest, aim_id: str) -> HttpResponse:
    """An aim's run chart for each team, side by side, each with its own median."""
    view = viewing(request)
    aim = _aim_or_404(view, aim_id)
    if tidied := tidy_address(request, view.query, problems=view.problems):
        return tidied

    def body() -> str:
        chart = by_team_of(view, aim)
        return render_to_string(
            "dashboards/by_team_body.html",
            {
                "aim": aim,
                "chart": chart_block(
                    chart, _addresses("dashboard-aim-chart", [aim.id, BY_TEAM], view.query)
                ),
                "aim_href": _with_query(reverse("dashboard-aim", args=[aim.id]), view.query),
            },
        )

    html = cached(view.data, "aim-by-team-html", view.key(aim.id), body)
    return _page(
        request,
        view,
        title=f"{aim.title}: the run chart for each team",
        lead=_lead(view, aim.statement or aim.title),
        body=html,
        action=reverse("dashboard-aim-by-team", args=[aim.id]),
        extra={"charts": True, "aim": aim},
    )


#: Where the notes on the run chart's points go in an aim's cached page body: like the
#: phases, they carry the person's form and are never cached.
NOTES_SLOT = "<!-- chart notes -->"


def _notes_section(request: HttpRequest, view: Viewing, aim: AimDefinition) -> str:
    points = cached(
        view.data, "aim-note-points", (aim.id,), lambda: aim_points(view.data.frame, aim)
    )
    return notes_section(request, aim_key(aim.id), points, heading_level=3)


def _numbered(improvement: ImprovementMarks) -> list[dict[str, Any]]:
    """The tests of change, numbered as the chart numbers them (the notes typed on the
    chart's points are listed with their own N numbers by the notes section)."""
    tests = [a for a in improvement.annotations if not is_note(a)]
    ordered = sorted(tests, key=lambda a: (a.date, a.label))
    return [
        {"number": index, "annotation": annotation}
        for index, annotation in enumerate(ordered, start=1)
    ]


def balancing_of(view: Viewing) -> tuple[BalancingFigure, ...]:
    """The stability and balancing measures over the children the filters keep."""
    data = view.data

    def compute() -> tuple[BalancingFigure, ...]:
        rows = map_rows_of(data.frame, view.filters, data.as_of)
        return balancing_figures(rows, data.decisions, as_of=data.as_of)

    return cached(data, "balancing", view.key(), compute)


def equity_of(view: Viewing) -> tuple[Breakdown, ...]:
    """Every aim by sex, age band, ethnicity and disability, the tests adjusted together,
    over the children the filters keep (all entry periods)."""
    data = view.data

    def compute() -> tuple[Breakdown, ...]:
        return breakdowns(filter_rows(data.frame, view.filters), data.aims, as_of=data.as_of)

    return cached(data, "equity", view.key(), compute)


def stages_page_of(view: Viewing) -> StagesPage:
    """Where children wait for this view's filters, worked out once per data version."""
    data = view.data
    return cached(
        data,
        "stages-page",
        view.key(),
        lambda: stages_page(data.frame, view.filters, as_of=data.as_of),
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def stages(request: HttpRequest) -> HttpResponse:
    """Where children wait: the stage table and chart, by period and by team."""
    view = viewing(request)
    if tidied := tidy_address(request, view.query, problems=view.problems):
        return tidied

    def body() -> str:
        figures = stages_page_of(view)

        def block(name: str, chart: ChartSpec) -> ChartBlock:
            return chart_block(chart, _addresses("dashboard-stages-chart", [name], view.query))

        return render_to_string(
            "dashboards/stages_body.html",
            {
                "page": figures,
                "overall": block("all", figures.overall_chart),
                "by_period": block("by-period", figures.by_period_chart),
                "by_team": block("by-team", figures.by_team_chart),
                "filters": view.filters,
            },
        )

    html = cached(view.data, "stages-html", view.key(), body)
    return _page(
        request,
        view,
        title="Where children wait",
        lead=_lead(view, "The days accommodated children spend in each stage of the journey"),
        body=html,
        action=reverse("dashboard-stages"),
        extra={"charts": True},
    )


# ---------------------------------------------------------------------------------------
# Downloads


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def aim_chart(request: HttpRequest, aim_id: str, chart: str, fmt: str) -> HttpResponse:
    """One of an aim's charts as PNG or SVG (rendered from the page's own spec) or its
    data as CSV."""
    view = viewing(request)
    aim = _aim_or_404(view, aim_id)
    page = aim_page_of(view, aim)
    spec = by_team_of(view, aim) if chart == BY_TEAM else page.charts.get(chart)
    if spec is None:
        raise Http404("That aim has no chart of that name.")
    if fmt == TABLE_PAGE:
        linked = chart in LINKED_CHARTS
        return _table_page(
            request,
            view,
            spec,
            ("aim", aim.id, chart),
            links=page.links if linked else None,
            link_column=CHILD_LABEL if linked else None,
            back=_with_query(
                reverse(
                    "dashboard-aim-by-team" if chart == BY_TEAM else "dashboard-aim", args=[aim.id]
                ),
                view.query,
            ),
        )
    return _download(view, spec, fmt, ("aim", aim.id, chart))


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def stages_chart(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    view = viewing(request)
    spec = stages_page_of(view).charts.get(chart)
    if spec is None:
        raise Http404("There is no chart of that name.")
    if fmt == TABLE_PAGE:
        back = _with_query(reverse("dashboard-stages"), view.query)
        return _table_page(request, view, spec, ("stages", chart), back=back)
    return _download(view, spec, fmt, ("stages", chart))


#: The charts whose dots and bars are children, linked to their journeys where allowed.
LINKED_CHARTS: Final = frozenset({"run-chart", "still-waiting"})


def _table_page(
    request: HttpRequest,
    view: Viewing,
    chart: ChartSpec,
    parts: tuple[str, ...],
    *,
    back: str,
    links: Mapping[str, str] | None = None,
    link_column: str | None = None,
) -> HttpResponse:
    """A chart's data as a table on a page of its own."""
    table = cached(
        view.data,
        "table",
        view.key(*parts),
        lambda: data_table(chart, links=links, link_column=link_column),
    )
    return render(
        request,
        "dashboards/table_page.html",
        {
            "chart": chart,
            "table": mark_safe(table),  # noqa: S308 - every cell escaped by table_html
            "dom_id": f"chart-{chart.name}",
            "rows": chart.data.height,
            "back": back,
            "authority_name": view.data.name,
            "csv": _with_query(request.path.removesuffix(".html") + ".csv", view.query),
        },
    )


def _download(view: Viewing, chart: ChartSpec, fmt: str, parts: tuple[str, ...]) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Charts download as PNG, SVG or CSV.")

    def content() -> bytes:
        if fmt == "png":
            return render_png(chart)
        if fmt == "svg":
            return render_svg(chart).encode("utf-8")
        return to_csv(chart).encode("utf-8")

    body = cached(view.data, "download", view.key(*parts, fmt), content)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{chart.name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url
