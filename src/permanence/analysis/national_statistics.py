"""The published national statistics, shipped as data, beside an authority's own figures.

``data/scotland_children_looked_after.csv`` holds figures of the Scottish Government's
Children's Social Work Statistics, each row with the publication it comes from and its
address, so a baseline can be compared with the national picture (docs/national-statistics.md).
Only figures that could be read and cited are shipped; nothing is estimated or derived.

The format (one figure a row):

``date``
    the day the figure describes (ISO), e.g. 2023-07-31 for "on 31 July 2023" or for
    "the year to 31 July 2023";
``area``
    ``Scotland``, or an authority's name when a by-authority table is loaded;
``measure``
    ``looked_after`` (children looked after on the date), ``ceased_16_plus_eligible_for_
    continuing_care`` and ``entered_continuing_care`` (the year to the date), or another
    measure of a loaded table; ``ceased_looked_after`` (the year to the date, by
    destination);
``category``
    ``all``, ``at_home``, ``community`` (every setting but residential care, at home
    included, as the publication counts it), ``residential``, a placement type of the
    publication's Table 1.1 (``kinship``, ``foster_la``, ``foster_purchased``, ...; see
    ``CATEGORIES``), or a destination on leaving (``adopted``);
``value``
    the published count (a whole number);
``publication`` and ``source_url``
    where the figure was published: title, publisher and year, and its address.

A further table in the same format (say, the by-authority table of a new publication) is
read with the shipped one when ``PERMANENCE_NATIONAL_STATISTICS`` names its file;
``permanence national-statistics FILE`` checks such a file first.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from io import StringIO
from pathlib import Path

from permanence.journey.vocabulary import CareSetting

SHIPPED = "scotland_children_looked_after.csv"
ENVIRONMENT = "PERMANENCE_NATIONAL_STATISTICS"
COLUMNS = ("date", "area", "measure", "category", "value", "publication", "source_url")
SCOTLAND = "Scotland"
LOOKED_AFTER = "looked_after"

#: The categories an authority's own figures are compared in, with their words.
SETTINGS: dict[str, str] = {
    "all": "All children looked after",
    "at_home": "At home with parents",
    "community": "In the community (at home included)",
    "residential": "In residential care",
}


#: Every category the shipped figures use, with its words: the publication's placement
#: types (Table 1.1 of the 2020-21 statistics) and destinations on leaving care.
CATEGORIES: dict[str, str] = {
    **SETTINGS,
    "kinship": "With kinship carers: friends or relatives",
    "foster": "With foster carers provided or purchased by the authority",
    "foster_la": "With foster carers provided by the authority",
    "foster_purchased": "With foster carers purchased by the authority",
    "prospective_adopters": "With prospective adopters",
    "other_community": "In other community settings",
    "la_home": "In a local authority home",
    "voluntary_home": "In a voluntary home",
    "residential_school": "In a residential school",
    "secure": "In secure accommodation",
    "crisis_care": "In crisis care",
    "other_residential": "In other residential accommodation",
    "adopted": "Adopted",
}

#: The parts of the publication's Table 1.1 that add up to those in the community and
#: those in residential accommodation (and, together, to all children looked after).
COMMUNITY_PARTS = (
    "at_home",
    "kinship",
    "foster_la",
    "foster_purchased",
    "prospective_adopters",
    "other_community",
)
RESIDENTIAL_PARTS = (
    "la_home",
    "voluntary_home",
    "residential_school",
    "secure",
    "crisis_care",
    "other_residential",
)

#: What each measure other than ``looked_after`` counts, in words.
MEASURES: dict[str, str] = {
    "ceased_16_plus_eligible_for_continuing_care": (
        "Ceased to be looked after aged 16 or over, eligible for continuing care"
    ),
    "entered_continuing_care": "Entered continuing care",
    "ceased_looked_after": "Ceased to be looked after, by destination",
}


class FormatError(ValueError):
    """A line of a national statistics file that does not follow the format."""


@dataclass(frozen=True)
class PublishedFigure:
    on: date
    area: str
    measure: str
    category: str
    value: int
    publication: str
    source_url: str


def read_figures(text: str, *, name: str = "the file") -> list[PublishedFigure]:
    """The figures of one file in the format above; a line out of format is refused."""
    reader = csv.DictReader(StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise FormatError(f"{name}: the header must be {','.join(COLUMNS)}")
    figures = []
    for line, row in enumerate(reader, start=2):
        try:
            on = date.fromisoformat(row["date"])
            value = int(row["value"])
        except (TypeError, ValueError) as error:
            raise FormatError(f"{name}, line {line}: {error}") from None
        if value < 0:
            raise FormatError(f"{name}, line {line}: a count cannot be negative")
        for column in ("area", "measure", "category", "publication", "source_url"):
            if not (row[column] or "").strip():
                raise FormatError(f"{name}, line {line}: {column} is empty")
        if not row["source_url"].startswith(("https://", "http://")):
            raise FormatError(f"{name}, line {line}: source_url must be an address")
        figures.append(
            PublishedFigure(
                on=on,
                area=row["area"].strip(),
                measure=row["measure"].strip(),
                category=row["category"].strip(),
                value=value,
                publication=row["publication"].strip(),
                source_url=row["source_url"].strip(),
            )
        )
    return figures


def shipped_figures() -> list[PublishedFigure]:
    text = (resources.files("permanence.analysis") / "data" / SHIPPED).read_text("utf-8")
    return read_figures(text, name=SHIPPED)


def published_figures(extra: Path | None = None) -> list[PublishedFigure]:
    """The shipped figures, and those of the file ``PERMANENCE_NATIONAL_STATISTICS`` names."""
    figures = shipped_figures()
    named = extra or (Path(os.environ[ENVIRONMENT]) if os.environ.get(ENVIRONMENT) else None)
    if named is not None:
        figures += read_figures(named.read_text("utf-8"), name=str(named))
    return sorted(figures, key=lambda f: (f.area, f.measure, f.category, f.on))


def latest(
    figures: Iterable[PublishedFigure], *, measure: str, area: str = SCOTLAND
) -> dict[str, PublishedFigure]:
    """The latest published figure of each category of one measure and area."""
    found: dict[str, PublishedFigure] = {}
    for figure in figures:
        if figure.area != area or figure.measure != measure:
            continue
        if figure.category not in found or figure.on > found[figure.category].on:
            found[figure.category] = figure
    return found


def setting_group(care_setting: str | None) -> str | None:
    """How the publication groups a child's care setting: residential, or in the community
    (at home with parents, kinship, foster, prospective adopters, other community)."""
    if care_setting is None:
        return None
    return "residential" if care_setting == CareSetting.RESIDENTIAL.value else "community"


def local_counts(settings: Sequence[str | None]) -> dict[str, int]:
    """An authority's children looked after on a day, in the publication's categories,
    from each child's care setting that day (``None``: no placement recorded)."""
    groups = [setting_group(setting) for setting in settings]
    return {
        "all": len(settings),
        "at_home": sum(1 for setting in settings if setting == CareSetting.AT_HOME.value),
        "community": groups.count("community"),
        "residential": groups.count("residential"),
    }
