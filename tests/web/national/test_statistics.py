"""Scotland's published figures beside an authority's own (docs/national-statistics.md)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from permanence.analysis.national_statistics import (
    COLUMNS,
    FormatError,
    local_counts,
    published_figures,
    read_figures,
    shipped_figures,
)
from permanence.charts.national_statistics import ShareRow, residential_share_chart
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod

from .conftest import Nation

HEADER = ",".join(COLUMNS)


def test_every_shipped_figure_names_its_publication_and_address() -> None:
    figures = shipped_figures()
    assert figures
    for figure in figures:
        assert figure.source_url.startswith("https://")
        assert figure.publication
    on_31_july_2023 = {
        (f.measure, f.category): f.value for f in figures if f.on == date(2023, 7, 31)
    }
    assert on_31_july_2023[("looked_after", "all")] == 12206
    assert on_31_july_2023[("entered_continuing_care", "all")] == 261


def test_a_loaded_table_is_read_beside_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "by-authority.csv"
    line = "2024-07-31,North Council,looked_after,all,321,Table 1.3,https://www.gov.scot/x"
    table.write_text(f"{HEADER}\n{line}\n")
    monkeypatch.setenv("PERMANENCE_NATIONAL_STATISTICS", str(table))
    loaded = [f for f in published_figures() if f.area == "North Council"]
    assert [(f.on, f.value) for f in loaded] == [(date(2024, 7, 31), 321)]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("date,area\n", "header"),
        (f"{HEADER}\n31/07/2024,Scotland,looked_after,all,1,P,https://x\n", "line 2"),
        (f"{HEADER}\n2024-07-31,Scotland,looked_after,all,-1,P,https://x\n", "negative"),
        (f"{HEADER}\n2024-07-31,Scotland,looked_after,all,1,,https://x\n", "publication"),
        (f"{HEADER}\n2024-07-31,Scotland,looked_after,all,1,P,somewhere\n", "address"),
    ],
)
def test_a_line_out_of_format_is_refused(text: str, complaint: str) -> None:
    with pytest.raises(FormatError, match=complaint):
        read_figures(text)


def test_local_counts_group_settings_as_the_publication_does() -> None:
    counts = local_counts(["home", "kinship", "foster", "residential", None, "residential"])
    assert counts == {"all": 6, "at_home": 1, "community": 3, "residential": 2}


def test_the_chart_draws_each_share_and_keeps_its_table() -> None:
    rows = [
        ShareRow("Scotland", date(2024, 7, 31), 1324, 10518, "P"),
        ShareRow("North Council", date(2025, 7, 31), None, 40, "ours"),
    ]
    chart = residential_share_chart(rows, local_name="North Council")
    assert chart.data.height == 2
    assert "Scotland, 2024: 11.2%" in chart.alt_text
    assert "withheld" in chart.alt_text
    assert [bar["share"] for bar in chart.spec["data"]["values"]] == [11.2]


def test_an_authority_sees_its_own_figures_beside_scotlands(nation: Nation) -> None:
    north = nation.authorities["NORTH"]
    page = nation.client_for(nation.admins["NORTH"]).get("/national/statistics/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "North Council" in body
    assert "South Council" not in body and "West Council" not in body
    assert "12206" in body and "gov.scot/publications" in body
    with scoped_to(Scope.authority(north.pk)):
        open_periods = CarePeriod.objects.filter(period_end__isnull=True).count()
    assert open_periods >= 5  # so the count is shown, not withheld
    shown = re.search(r"All children looked after</th><td>(\w+)</td>", body)
    assert shown is not None
    assert shown.group(1) == str(open_periods)
    assert 'data-vega-spec="chart-residential-share-spec"' in body


def test_the_national_team_sees_the_published_figures_and_no_authoritys(nation: Nation) -> None:
    page = nation.client_for(nation.national).get("/national/statistics/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "12206" in body
    assert "Where children looked after live" not in body
    for authority in nation.authorities.values():
        assert authority.name not in body


def test_the_page_shows_placement_types_and_adoptions_with_their_sources(nation: Nation) -> None:
    page = nation.client_for(nation.national).get("/national/statistics/")
    body = page.content.decode()
    secure_2021 = re.search(
        r"<td>31 July 2021</td><td>In secure accommodation</td><td>(\d+)</td>"
        r"<td><a href=\"([^\"]+)\">",
        body,
    )
    assert secure_2021 is not None
    assert secure_2021.group(1) == "38"
    address = secure_2021.group(2)
    assert address.endswith("childrens-social-work-statistics-scotland-2020-21/pages/4")
    adopted = re.search(
        r"<td>31 July 2023</td><td>Ceased to be looked after, by destination</td>"
        r"<td>Adopted</td><td>(\d+)</td><td><a href=\"([^\"]+)\">",
        body,
    )
    assert adopted is not None
    assert (adopted.group(1), adopted.group(2)) == ("214", "https://corambaaf.org.uk/node/236")
    assert "by authority" in body


def test_an_authority_sees_its_own_published_count_when_a_table_names_it(
    nation: Nation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "by-authority.csv"
    table.write_text(
        f"{HEADER}\n"
        "2023-07-31,North Council,looked_after,all,300,Table 9 (2023),https://www.gov.scot/t9\n"
        "2024-07-31,North Council,looked_after,all,321,Table 9 (2024),https://www.gov.scot/t9\n"
        "2024-07-31,South Council,looked_after,all,999,Table 9 (2024),https://www.gov.scot/t9\n"
    )
    monkeypatch.setenv("PERMANENCE_NATIONAL_STATISTICS", str(table))
    body = nation.client_for(nation.admins["NORTH"]).get("/national/statistics/").content.decode()
    row = re.search(
        r"All children looked after</th><td>\w+</td><td>(\d+)</td><td>([^<]+)</td>"
        r"<td><a href=\"https://www.gov.scot/t9\">([^<]+)</a>",
        body,
    )
    assert row is not None
    assert row.groups() == ("321", "31 July 2024", "Table 9 (2024)")
    assert "999" not in body and "South Council" not in body
    assert "In residential care</th><td>" in body and "not published" in body


def test_without_a_table_naming_it_the_page_says_no_count_is_loaded(nation: Nation) -> None:
    body = nation.client_for(nation.admins["NORTH"]).get("/national/statistics/").content.decode()
    assert "No count published for North Council is loaded" in body
