"""The shipped tables agree with themselves as the publication's tables do
(docs/national-statistics.md): the placement types of Table 1.1 add up to the totals the
same table prints, and every figure is shipped once and has words on the page."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from permanence.analysis.national_statistics import (
    CATEGORIES,
    COMMUNITY_PARTS,
    LOOKED_AFTER,
    MEASURES,
    RESIDENTIAL_PARTS,
    SCOTLAND,
    shipped_figures,
)

#: Table 1.1 of Children's Social Work Statistics, Scotland 2020-21, read from the
#: publication by hand: its printed totals in the community, in residential
#: accommodation and in all, on 31 July of each year.
PRINTED_TOTALS = {
    date(2011, 7, 31): (14770, 1461, 16231),
    date(2020, 7, 31): (13022, 1436, 14458),
    date(2021, 7, 31): (11969, 1286, 13255),
}


def _looked_after_on(day: date) -> dict[str, int]:
    return {
        figure.category: figure.value
        for figure in shipped_figures()
        if figure.on == day and figure.area == SCOTLAND and figure.measure == LOOKED_AFTER
    }


@pytest.mark.parametrize("day", sorted(PRINTED_TOTALS))
def test_the_placement_types_add_up_to_the_printed_totals(day: date) -> None:
    community, residential, total = PRINTED_TOTALS[day]
    shipped = _looked_after_on(day)
    assert sum(shipped[part] for part in COMMUNITY_PARTS) == community
    assert sum(shipped[part] for part in RESIDENTIAL_PARTS) == residential
    assert shipped["all"] == total == community + residential


def test_the_2021_placement_types_by_hand() -> None:
    shipped = _looked_after_on(date(2021, 7, 31))
    # 2,859 at home + 4,399 kinship + 3,160 + 1,307 foster + 156 adopters + 88 other
    assert shipped["at_home"] + shipped["kinship"] == 7258
    assert shipped["foster_la"] + shipped["foster_purchased"] == 4467
    assert shipped["secure"] == 38 and shipped["crisis_care"] == 0


def test_each_figure_is_shipped_once() -> None:
    keys = Counter((f.on, f.area, f.measure, f.category) for f in shipped_figures())
    assert [key for key, times in keys.items() if times > 1] == []


def test_every_category_and_measure_has_words() -> None:
    for figure in shipped_figures():
        assert figure.category in CATEGORIES
        assert figure.measure == LOOKED_AFTER or figure.measure in MEASURES


def test_the_children_adopted_in_the_year_to_31_july_2023() -> None:
    adopted = [
        f
        for f in shipped_figures()
        if f.measure == "ceased_looked_after" and f.category == "adopted"
    ]
    assert [(f.on, f.value) for f in adopted] == [(date(2023, 7, 31), 214)]
    assert adopted[0].source_url == "https://corambaaf.org.uk/node/236"
