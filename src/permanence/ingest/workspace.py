"""What the rules look at: each table as text and as typed values, and the rows still in play.

Every row of every table gets an ``_id`` (its position in the table, UInt32) that the
rules report hits by. ``raw`` keeps the text as read (for messages), ``typed`` the values
converted to the canonical types (null where a value could not be converted, which the
field rules report). ``active`` starts as ``typed`` and loses rows as rules refuse them,
so later rules judge a row only against rows that will be loaded: an overlap is never
reported against a period that was itself refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from permanence.ingest.dates import parse_dates
from permanence.ingest.extract import BLOCKED, SOURCE, Extract
from permanence.ingest.format import (
    TABLES,
    coded_columns,
    columns,
    date_columns,
)
from permanence.ingest.readers import ROW
from permanence.journey.tables import SCHEMAS
from permanence.journey.vocabulary import MilestoneKind

ID = "_id"

MAX_REVIEW_NUMBER = 999


@dataclass
class Workspace:
    """The state one validation works on; built by ``Workspace.from_extract``."""

    extract: Extract
    raw: dict[str, pl.DataFrame]
    typed: dict[str, pl.DataFrame]
    active: dict[str, pl.DataFrame]
    refusals: dict[str, pl.DataFrame] = field(default_factory=dict)
    """Per table: ``_id`` and ``rule`` (the first error that refused the row)."""
    journeys: pl.DataFrame | None = None
    agenda_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Item keys of the authority's own agendas, by kind of meeting, accepted beside the
    shipped agendas' (MEET011); empty where the extract is checked on its own."""
    _dates_of_birth: pl.DataFrame | None = None

    @property
    def extract_date(self) -> date:
        return self.extract.extract_date

    @classmethod
    def from_extract(
        cls, extract: Extract, agenda_keys: Mapping[str, frozenset[str]] | None = None
    ) -> Workspace:
        raw: dict[str, pl.DataFrame] = {}
        typed: dict[str, pl.DataFrame] = {}
        for table in TABLES:
            frame = extract.table(table).with_row_index(ID)
            raw[table] = frame
            usable = frame.filter(~pl.col(BLOCKED))
            formats = extract.profile.table(table).date_formats
            typed[table] = typed_table(table, usable, formats)
        refusals = {
            table: pl.DataFrame(schema={ID: pl.UInt32, "rule": pl.String}) for table in TABLES
        }
        return cls(
            extract=extract,
            raw=raw,
            typed=typed,
            active=dict(typed),
            refusals=refusals,
            agenda_keys=agenda_keys or {},
        )

    def fields_view(self, table: str) -> pl.DataFrame:
        """The usable rows as text, with each value as read beside it as ``<column>__typed``.

        For the field rules, which compare what was written with what could be read.
        """
        usable = self.raw[table].filter(~pl.col(BLOCKED))
        typed = self.typed[table].drop(ID)
        return usable.hstack(typed.rename({name: f"{name}__typed" for name in typed.columns}))

    def raw_of(self, table: str, frame: pl.DataFrame, *names: str) -> pl.DataFrame:
        """``frame`` with the raw text of ``names`` joined on (as ``<name>_raw``)."""
        text = self.raw[table].select(ID, *(pl.col(name).alias(f"{name}_raw") for name in names))
        return frame.join(text, on=ID, how="left")

    def locations(self, table: str) -> pl.DataFrame:
        """``_id``, ``_source`` and ``_row`` of every row of ``table``."""
        return self.raw[table].select(ID, SOURCE, ROW)

    def refuse(self, table: str, hits: pl.DataFrame) -> None:
        """Take the rows in ``hits`` (``_id``, ``rule``) out of play, remembering why."""
        if hits.is_empty():
            return
        self._dates_of_birth = None
        first = hits.select(ID, "rule").unique(subset=[ID], keep="first", maintain_order=True)
        new = first.join(self.refusals[table], on=ID, how="anti")
        self.refusals[table] = pl.concat([self.refusals[table], new])
        self.active[table] = self.active[table].join(first.select(ID), on=ID, how="anti")

    def drop(self, table: str, ids: pl.Series) -> None:
        """Take rows out of play without refusing them (exact duplicates, loaded once)."""
        if ids.is_empty():
            return
        self._dates_of_birth = None
        self.active[table] = self.active[table].filter(~pl.col(ID).is_in(ids.implode()))

    def dates_of_birth(self) -> pl.DataFrame:
        """``child_ref`` -> ``child_date_of_birth`` from the children still in play.

        A child with rows that disagree has no single date here (they are refused anyway).
        """
        if self._dates_of_birth is None:
            self._dates_of_birth = (
                self.active["children"]
                .group_by("child_ref")
                .agg(
                    pl.col("date_of_birth").first().alias("child_date_of_birth"),
                    pl.col("date_of_birth").n_unique().alias("dates"),
                )
                .filter(pl.col("dates") == 1)
                .drop("dates")
            )
        return self._dates_of_birth

    def with_date_of_birth(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(self.dates_of_birth(), on="child_ref", how="left")

    def care_periods(self) -> pl.DataFrame:
        """The care periods in play: key, ``period_end`` and the period row's ``_id``."""
        return self.active["care_periods"].select(
            "child_ref", "period_start", "period_end", pl.col(ID).alias("period_id")
        )

    def clean(self, table: str) -> pl.DataFrame:
        """The rows in play in canonical columns and types, with their ``_id``."""
        return self.active[table].select(ID, *SCHEMAS[table])


def typed_table(table: str, text: pl.DataFrame, formats: tuple[str, ...]) -> pl.DataFrame:
    """``_id`` and ``table``'s columns in canonical types, null where text does not convert."""
    schema = dict(SCHEMAS[table])
    dates = set(date_columns(table))
    codes = coded_columns(table)
    expressions: list[pl.Expr] = []
    for column in columns(table):
        value = pl.col(column)
        if column in dates:
            expressions.append(pl.lit(parse_dates(text[column], formats)).alias(column))
        elif column == "review_number":
            expressions.append(review_number(value).alias(column))
        elif column == "detail":
            expressions.append(milestone_detail().alias(column))
        elif column in codes:
            expressions.append(pl.when(value.is_in(list(codes[column]))).then(value).alias(column))
        else:
            expressions.append(value.cast(schema.get(column, pl.String)).alias(column))
    return text.select(ID, *expressions)


def review_number(text: pl.Expr) -> pl.Expr:
    """A whole number from 1 to 999, written in digits ("2" or "2.0"); null otherwise."""
    digits = text.str.extract(r"^(\d{1,3})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    return pl.when(digits.is_between(1, MAX_REVIEW_NUMBER)).then(digits).cast(pl.Int16)


def milestone_detail() -> pl.Expr:
    """The detail where it is a code of the milestone's vocabulary; free text where the
    milestone has no vocabulary; null where it is not a code it should be."""
    detail = pl.col("detail")
    result = detail
    for kind in MilestoneKind:
        vocabulary = kind.detail_vocabulary
        if vocabulary is None:
            continue
        result = (
            pl.when(pl.col("milestone") == kind.value)
            .then(pl.when(detail.is_in(list(vocabulary.codes()))).then(detail))
            .otherwise(result)
        )
    return result
