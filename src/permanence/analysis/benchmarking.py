"""Benchmarking between authorities: the same figures, side by side, fairly compared.

For every authority that shares its figures, from one journeys frame holding all of them
(the national snapshot):

- **each aim's percentage met**, met / (met + not met), with a Wilson 95% interval;
- a **funnel plot** of that percentage against the number of children whose outcome is
  known, with 95% and 99.8% control limits around the national percentage. The limits
  are exact binomial limits (Spiegelhalter 2005, with his interpolation), so a small
  authority is judged against the noise its size implies and nobody is ranked on it;
- **comparisons adjusted for age at accommodation** by indirect standardisation: each
  authority's expected number meeting the aim, had its children met it at the national
  rate for their age band; the standardised ratio observed / expected with Byar's 95%
  interval; and the risk-standardised percentage, ratio × national percentage (the
  "risk-standardized performance" of the US federal Child and Family Services Reviews);
- the **Kaplan-Meier median** time to each aim's end milestone, with its 95% interval
  (``analysis.survival``), counting children still waiting;
- **stage delays**: the median days children spent in each stage (``analysis.stages``).

Everything leaves through disclosure control (``analysis.disclosure``): the counts of
each aim form a table of authorities by outcome, protected with its totals (and together
with the table published before it, when there was one); percentages, intervals, funnel
positions and standardised figures are withheld wherever a count they rest on is
hidden; medians are withheld where fewer than 5 children reached the milestone. Figures
are rounded as ``docs/disclosure-control.md`` says. Authorities are listed by code, never
ranked: the funnel plot is the comparison.

The method, with a worked example, is in docs/national.md. No loop runs over children.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from statistics import NormalDist
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from permanence.analysis.aims import NATIONAL_AIMS, AimDefinition, AimKind
from permanence.analysis.aims_outcomes import Outcome, aim_children
from permanence.analysis.disclosure import (
    THRESHOLD,
    TOTAL,
    CountTable,
    ProtectedTable,
    hidden_counts,
    protect,
    round_half_up,
    whole_number,
)
from permanence.analysis.periods import frame_as_of
from permanence.analysis.stages import STAGES, stage_children
from permanence.analysis.survival import follow_up, grouped_survival
from permanence.journey.vocabulary import AgeBand

Floats = NDArray[np.float64]


class Section(StrEnum):
    """What an authority may choose to share: aggregates only, section by section."""

    AIMS = "aims"
    SURVIVAL = "survival"
    STAGES = "stages"


SECTION_LABELS: dict[Section, str] = {
    Section.AIMS: "The aims: percentage met, funnel plot and age-adjusted comparisons",
    Section.SURVIVAL: "Time to each milestone (Kaplan-Meier medians)",
    Section.STAGES: "Where children wait (median days in each stage)",
}

OUTCOMES: tuple[str, ...] = (
    Outcome.MET.value,
    Outcome.NOT_MET.value,
    Outcome.PENDING.value,
    Outcome.STOPPED.value,
)
NOT_RECORDED_BAND = "not_recorded"
AGE_BANDS: tuple[str, ...] = (*(band.value for band in AgeBand), NOT_RECORDED_BAND)

CONFIDENCE = 0.95
FUNNEL_LIMITS: tuple[tuple[str, float], ...] = (("95", 0.95), ("998", 0.998))
"""Control limits as the share of authorities expected inside them by chance alone."""
FUNNEL_POINTS = 120
"""How many sample sizes the funnel's limit lines are drawn through."""
MEDIAN_LEAST_REACHED = THRESHOLD
"""A median is shown only when at least this many children reached the milestone."""


class FunnelPosition(StrEnum):
    WITHIN = "within"
    """Inside the 95% limits: no different from the national figure beyond chance."""
    ABOVE_95 = "above_95"
    ABOVE_998 = "above_998"
    BELOW_95 = "below_95"
    BELOW_998 = "below_998"


FUNNEL_POSITION_LABELS: dict[FunnelPosition, str] = {
    FunnelPosition.WITHIN: "Within the 95% limits",
    FunnelPosition.ABOVE_95: "Above the 95% limit",
    FunnelPosition.ABOVE_998: "Above the 99.8% limit",
    FunnelPosition.BELOW_95: "Below the 95% limit",
    FunnelPosition.BELOW_998: "Below the 99.8% limit",
}


# ---------------------------------------------------------------------------------------
# Intervals and limits: plain numpy, checked against statsmodels and scipy in the tests.


def z_value(confidence: float = CONFIDENCE) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = CONFIDENCE
) -> tuple[Floats, Floats]:
    """Wilson score interval for a proportion (as shares, NaN where trials is 0).

    Unlike the plain p ± z·se interval it stays within 0 to 1 and behaves well for the
    small numbers of small authorities.
    """
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lower = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    upper = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lower, upper


def binomial_cdf(n: int, p: float) -> Floats:
    """P(R <= r) for r = 0..n, R ~ Binomial(n, p), from the pmf's recurrence in logs."""
    if p <= 0.0:
        return np.ones(n + 1)
    if p >= 1.0:
        cdf = np.zeros(n + 1)
        cdf[-1] = 1.0
        return cdf
    k = np.arange(n, dtype=np.float64)
    steps = np.log((n - k) / (k + 1)) + math.log(p / (1 - p))
    log_pmf = np.concatenate(([n * math.log1p(-p)], n * math.log1p(-p) + np.cumsum(steps)))
    pmf = np.exp(log_pmf - log_pmf.max())
    cdf = np.cumsum(pmf)
    return np.asarray(cdf / cdf[-1], dtype=np.float64)


def binomial_limit(n: int, p: float, probability: float) -> float:
    """The funnel limit at sample size ``n``: the ``probability`` quantile of
    Binomial(n, p) / n, interpolated as Spiegelhalter (2005, appendix A.1.1) does so that
    the limits are smooth in n: (r - alpha) / n, where r is the smallest count with
    P(R <= r) >= probability and alpha = (P(R <= r) - probability) / P(R = r)."""
    if n <= 0:
        return math.nan
    cdf = binomial_cdf(n, p)
    r = int(np.searchsorted(cdf, probability - 1e-12, side="left"))
    r = min(r, n)
    below = cdf[r - 1] if r > 0 else 0.0
    mass = cdf[r] - below
    alpha = (cdf[r] - probability) / mass if mass > 0 else 0.0
    return float(np.clip((r - alpha) / n, 0.0, 1.0))


def funnel_limits(
    p: float, sizes: ArrayLike, limits: Sequence[tuple[str, float]] = FUNNEL_LIMITS
) -> pl.DataFrame:
    """The lower and upper limits (as percentages) at each sample size in ``sizes``.

    Columns: ``n``, ``centre``, and ``lower_<name>``/``upper_<name>`` for each limit
    (``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``).
    """
    n = np.asarray(sizes, dtype=np.int64)
    columns: dict[str, Any] = {"n": n, "centre": np.full(n.shape, 100 * p)}
    for name, coverage in limits:
        tail = (1 - coverage) / 2
        columns[f"lower_{name}"] = [100 * binomial_limit(int(k), p, tail) for k in n]
        columns[f"upper_{name}"] = [100 * binomial_limit(int(k), p, 1 - tail) for k in n]
    return pl.DataFrame(columns)


def funnel_sizes(largest: int, points: int = FUNNEL_POINTS) -> NDArray[np.int64]:
    """Sample sizes for drawing the limit lines: every size up to 20, then spaced evenly
    on a log scale up to ``largest`` (the funnel narrows fastest at the small end)."""
    largest = max(int(largest), 1)
    small = np.arange(1, min(largest, 20) + 1)
    if largest <= 20:
        return small.astype(np.int64)
    spread = np.unique(np.geomspace(20, largest, points).round().astype(np.int64))
    return np.unique(np.concatenate([small, spread, [largest]])).astype(np.int64)


def funnel_position(n: int, percent: float, p: float) -> FunnelPosition:
    """Where an authority's percentage falls against the limits at its own size."""
    share = percent / 100
    outer_low = binomial_limit(n, p, 0.001)
    outer_high = binomial_limit(n, p, 0.999)
    inner_low = binomial_limit(n, p, 0.025)
    inner_high = binomial_limit(n, p, 0.975)
    if share > outer_high:
        return FunnelPosition.ABOVE_998
    if share < outer_low:
        return FunnelPosition.BELOW_998
    if share > inner_high:
        return FunnelPosition.ABOVE_95
    if share < inner_low:
        return FunnelPosition.BELOW_95
    return FunnelPosition.WITHIN


def byar_interval(observed: ArrayLike, confidence: float = CONFIDENCE) -> tuple[Floats, Floats]:
    """Byar's approximation to the exact Poisson interval for an observed count, the
    method Public Health England's technical guide gives for standardised ratios:
    lower = O (1 - 1/(9O) - z/(3 sqrt O))^3, upper = (O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3.
    """
    o = np.asarray(observed, dtype=np.float64)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(o > 0, o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3, 0.0)
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return np.maximum(lower, 0.0), upper


@dataclass(frozen=True, slots=True)
class Standardised:
    """Indirect standardisation of one authority (see ``indirect_standardisation``)."""

    observed: int
    expected: float
    ratio: float | None
    ratio_lower: float | None
    ratio_upper: float | None
    percent: float | None
    percent_lower: float | None
    percent_upper: float | None


def indirect_standardisation(band_counts: pl.DataFrame) -> pl.DataFrame:
    """Observed and expected numbers meeting an aim, adjusted for age band.

    ``band_counts`` holds ``authority``, ``band``, ``met`` and ``known`` (met + not met)
    for every authority and band. The national rate in band b is the sum of met over the
    sum of known in b. For each authority:

    - expected E = sum over bands of (its known children in the band × the national rate
      in the band): how many would have met the aim had they fared as children of their
      age did nationally;
    - observed O = its children who met the aim;
    - standardised ratio O / E, with Byar's interval for O divided by E;
    - risk-standardised percentage = ratio × the national percentage (met / known over
      every authority), with the ratio's limits × the national percentage; capped at 100.

    Returns one row per authority: ``authority``, ``observed``, ``known``, ``expected``,
    ``ratio``, ``ratio_lower``, ``ratio_upper``, ``percent``, ``percent_lower``,
    ``percent_upper`` and ``national_percent``.
    """
    rates = band_counts.group_by("band").agg(
        pl.col("met").sum().alias("_band_met"), pl.col("known").sum().alias("_band_known")
    )
    national_met = int(band_counts.get_column("met").sum())
    national_known = int(band_counts.get_column("known").sum())
    national = national_met / national_known if national_known else math.nan
    rate = pl.when(pl.col("_band_known") > 0).then(pl.col("_band_met") / pl.col("_band_known"))
    per_authority = (
        band_counts.join(rates, on="band", how="left")
        .group_by("authority", maintain_order=True)
        .agg(
            pl.col("met").sum().cast(pl.Int64).alias("observed"),
            pl.col("known").sum().cast(pl.Int64).alias("known"),
            (pl.col("known") * rate.fill_null(0.0)).sum().alias("expected"),
        )
    )
    observed = per_authority.get_column("observed").to_numpy().astype(np.float64)
    expected = per_authority.get_column("expected").to_numpy().astype(np.float64)
    low, high = byar_interval(observed)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
        ratio_low = np.where(expected > 0, low / expected, np.nan)
        ratio_high = np.where(expected > 0, high / expected, np.nan)

    def percent(values: Floats) -> Floats:
        return np.asarray(np.minimum(100.0 * values * national, 100.0), dtype=np.float64)

    return per_authority.with_columns(
        pl.Series("ratio", ratio).fill_nan(None),
        pl.Series("ratio_lower", ratio_low).fill_nan(None),
        pl.Series("ratio_upper", ratio_high).fill_nan(None),
        pl.Series("percent", percent(ratio)).fill_nan(None),
        pl.Series("percent_lower", percent(ratio_low)).fill_nan(None),
        pl.Series("percent_upper", percent(ratio_high)).fill_nan(None),
        pl.lit(100 * national if national_known else None, dtype=pl.Float64).alias(
            "national_percent"
        ),
    )


# ---------------------------------------------------------------------------------------
# The snapshot an authority's frame becomes before it is used for national figures.

SNAPSHOT_BLANKED: tuple[str, ...] = (
    "date_of_birth",
    "sex",
    "ethnicity",
    "disability",
    "team",
    "reversed_reason",
)
"""Frame columns national figures never need, emptied before a snapshot is stored."""


def national_snapshot(frame: pl.DataFrame) -> pl.DataFrame:
    """An authority's journeys frame with only what national figures need.

    The child's reference becomes a number (the same for each of a child's care
    periods, meaningless outside the snapshot); date of birth, sex, ethnicity,
    disability, team and the free text of a reversed decision are emptied. The columns
    and types stay those of the frame, so every analysis still reads it.
    """
    return frame.with_columns(
        pl.col("child_ref").rank("dense").over("authority").cast(pl.String).alias("child_ref"),
        *[pl.lit(None, dtype=frame.schema[name]).alias(name) for name in SNAPSHOT_BLANKED],
    )


# ---------------------------------------------------------------------------------------
# Raw counts from the frame: one pass per aim, no loop over children.


def _since(children: pl.DataFrame, since: date | None) -> pl.DataFrame:
    return children if since is None else children.filter(pl.col("start_date") >= since)


def _bands(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The frame split by age band at accommodation (children never accommodated, or
    whose age is not recorded, in their own band): each aim is then measured once per
    part and the band is known without joining children back to the frame."""
    banded = frame.with_columns(
        pl.col("age_band_at_accommodation").fill_null(NOT_RECORDED_BAND).alias("_band")
    )
    return {
        str(key[0]): part.drop("_band")
        for key, part in banded.partition_by("_band", as_dict=True).items()
    }


def aim_band_outcomes(
    frame: pl.DataFrame,
    aims: Sequence[AimDefinition] = NATIONAL_AIMS,
    *,
    since: date | None = None,
    as_of: date | None = None,
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """Counts of children per aim, authority, age band and outcome, and each aim's
    per-child rows (for Kaplan-Meier).

    The counts: ``aim``, ``authority``, ``band``, ``outcome``, ``count``. Children count
    when their clock started on or after ``since`` (everyone when it is None); Aim 1,
    a picture of the orders in force at ``as_of``, counts them all.
    """
    when = frame_as_of(frame, as_of)
    parts = _bands(frame)
    counts: list[pl.DataFrame] = []
    children_by_aim: dict[str, pl.DataFrame] = {}
    for aim in aims:
        pieces = []
        for band, part in parts.items():
            children = aim_children(part, aim, as_of=when)
            if aim.kind is AimKind.WITHIN:
                # Aim 1 is a picture at as_of (orders in force for two years), not a
                # cohort, so the window does not apply to it.
                children = _since(children, since)
            pieces.append(children)
            counts.append(
                children.group_by("authority", "outcome")
                .len(name="count")
                .select(
                    pl.lit(aim.id).alias("aim"),
                    "authority",
                    pl.lit(band).alias("band"),
                    "outcome",
                    pl.col("count").cast(pl.Int64),
                )
            )
        children_by_aim[aim.id] = pl.concat(pieces) if pieces else pl.DataFrame()
    schema = {
        "aim": pl.String,
        "authority": pl.String,
        "band": pl.String,
        "outcome": pl.String,
        "count": pl.Int64,
    }
    table = pl.concat(counts) if counts else pl.DataFrame(schema=schema)
    return table, children_by_aim


def survival_medians(
    children_by_aim: Mapping[str, pl.DataFrame],
    aims: Sequence[AimDefinition],
    as_of: date,
) -> pl.DataFrame:
    """Kaplan-Meier median days to each aim's end milestone, per authority and over all.

    A child's clock runs from the aim's start to its end milestone; a child who left care
    (or whose decision was reversed) without it is censored on that day, and a child
    still waiting is censored at ``as_of``. One row per aim and authority (``TOTAL`` for
    everyone): ``children``, ``reached``, ``median_days`` with ``lower_days`` and
    ``upper_days`` (Brookmeyer-Crowley), ``percent_by_target`` with its limits.
    """
    rows: list[pl.DataFrame] = []
    for aim in aims:
        if aim.kind is not AimKind.WITHIN or aim.target_weeks is None:
            continue  # Aim 1 counts reviews of orders still in force: no clock to survive
        children = children_by_aim.get(aim.id)
        if children is None or not children.height:
            continue
        data = follow_up(
            children.select("authority", "start_date", "end_date", "stopped_date"),
            start="start_date",
            end="end_date",
            stopped="stopped_date",
            as_of=as_of,
        )
        for groups, national in ((["authority"], False), ([], True)):
            result = grouped_survival(data, groups, target_weeks=aim.target_weeks)
            summary = result.summary
            key = pl.lit(TOTAL) if national else pl.col("authority")
            rows.append(
                summary.select(
                    pl.lit(aim.id).alias("aim"),
                    key.alias("authority"),
                    pl.col("n").alias("children"),
                    pl.col("reached"),
                    pl.col("days_to_half").alias("median_days"),
                    pl.col("days_to_half_lower").alias("lower_days"),
                    pl.col("days_to_half_upper").alias("upper_days"),
                    pl.col("percent_by_target"),
                    pl.col("percent_by_target_lower"),
                    pl.col("percent_by_target_upper"),
                )
            )
    return pl.concat(rows) if rows else pl.DataFrame(schema=_SURVIVAL_SCHEMA)


_SURVIVAL_SCHEMA: dict[str, pl.DataType] = {
    "aim": pl.String(),
    "authority": pl.String(),
    "children": pl.Int64(),
    "reached": pl.Int64(),
    "median_days": pl.Int64(),
    "lower_days": pl.Int64(),
    "upper_days": pl.Int64(),
    "percent_by_target": pl.Float64(),
    "percent_by_target_lower": pl.Float64(),
    "percent_by_target_upper": pl.Float64(),
}


def stage_medians(
    frame: pl.DataFrame, *, since: date | None = None, as_of: date | None = None
) -> pl.DataFrame:
    """Median days in each stage of the journey, per authority and over all.

    From ``analysis.stages``: one row per authority (``TOTAL`` for everyone) and stage:
    ``stage``, ``label``, ``reached`` (children who completed the stage) and
    ``median_days``. Children count when accommodated on or after ``since``.
    """
    children = stage_children(frame, as_of=as_of)
    if since is not None:
        children = children.filter(pl.col("accommodated_date") >= since)
    expressions = [
        expression
        for stage in STAGES
        for expression in (
            pl.col(f"days_{stage.key}").count().cast(pl.Int64).alias(f"{stage.key}:reached"),
            pl.col(f"days_{stage.key}").median().alias(f"{stage.key}:median"),
        )
    ]
    per_authority = children.group_by("authority").agg(expressions)
    national = children.select(expressions).with_columns(pl.lit(TOTAL).alias("authority"))
    wide = pl.concat([per_authority, national.select(per_authority.columns)])
    long = [
        wide.select(
            "authority",
            pl.lit(stage.key).alias("stage"),
            pl.lit(stage.label).alias("label"),
            pl.lit(order).alias("order"),
            pl.col(f"{stage.key}:reached").alias("reached"),
            pl.col(f"{stage.key}:median").cast(pl.Float64).alias("median_days"),
        )
        for order, stage in enumerate(STAGES)
    ]
    return pl.concat(long).sort("authority", "order").drop("order")


# ---------------------------------------------------------------------------------------
# Publishing: protect, withhold, round.


@dataclass(frozen=True, slots=True)
class NationalFigures:
    """Everything the national workspace shows, after disclosure control.

    ``aims``: one row per aim and authority (``TOTAL`` for all sharing authorities):
    counts (null where hidden), the percentage met with its Wilson interval, the funnel
    position, and the age-standardised figures, each withheld (null) where a count it
    rests on is hidden. ``funnels``: each aim's limit lines. ``bands``: the national
    percentage met in each age band, the standard the standardisation uses.
    ``survival`` and ``stages``: medians, withheld where fewer than 5 children reached
    the milestone. ``tables`` are the protected count tables, kept (with their raw
    values, for the server only) so the next publication can be protected with them.
    """

    as_of: date
    since: date | None
    authorities: dict[Section, tuple[str, ...]]
    aims: pl.DataFrame
    funnels: pl.DataFrame
    bands: pl.DataFrame
    survival: pl.DataFrame
    stages: pl.DataFrame
    tables: dict[str, ProtectedTable] = field(default_factory=dict)
    aim_definitions: tuple[AimDefinition, ...] = NATIONAL_AIMS

    def as_dict(self) -> dict[str, Any]:
        """What may be published, as plain values (no raw counts)."""
        return {
            "as_of": self.as_of.isoformat(),
            "since": None if self.since is None else self.since.isoformat(),
            "authorities": {
                section.value: list(codes) for section, codes in self.authorities.items()
            },
            "aims": self.aims.to_dicts(),
            "funnels": self.funnels.to_dicts(),
            "bands": self.bands.to_dicts(),
            "survival": self.survival.to_dicts(),
            "stages": self.stages.to_dicts(),
        }

    def raw_tables(self) -> dict[str, list[dict[str, Any]]]:
        """The protected tables with their raw values: for the server's store only."""
        return {aim: table.raw_frame().to_dicts() for aim, table in self.tables.items()}


COUNT_COLUMNS: tuple[str, ...] = ("counted", *OUTCOMES, "known")
"""The columns of ``NationalFigures.aims`` that hold counts of children."""

BAND_COUNT_COLUMNS: tuple[str, ...] = ("met", "not_met", "known")


def national_figures(
    frame: pl.DataFrame,
    *,
    shares: Mapping[str, Iterable[Section | str]] | None = None,
    aims: Sequence[AimDefinition] = NATIONAL_AIMS,
    since: date | None = None,
    previous: Mapping[str, Sequence[ProtectedTable]] | None = None,
    as_of: date | None = None,
) -> NationalFigures:
    """The national workspace's figures from a frame of every sharing authority.

    ``shares`` says which sections each authority shares (every section, for every
    authority in the frame, when it is None); an authority's rows count only in the
    sections it shares. ``previous`` holds the tables published before for the same
    date, by aim: the new tables are protected together with all of them.
    """
    when = frame_as_of(frame, as_of)
    chosen = _sections(frame, shares)
    previous = previous or {}

    # Each aim is measured once over every authority sharing aims or survival; each
    # section then keeps the authorities that share it.
    measured = sorted(set(chosen[Section.AIMS]) | set(chosen[Section.SURVIVAL]))
    band_outcomes, children_by_aim = aim_band_outcomes(
        frame.filter(pl.col("authority").is_in(measured)), aims, since=since, as_of=when
    )
    band_outcomes = band_outcomes.filter(pl.col("authority").is_in(chosen[Section.AIMS]))
    tables = _protect_aims(band_outcomes, aims, chosen[Section.AIMS], previous)
    aims_rows, funnels, bands = _aim_rows(band_outcomes, aims, tables)

    survivors = {
        aim: children.filter(pl.col("authority").is_in(chosen[Section.SURVIVAL]))
        for aim, children in children_by_aim.items()
        if children.height
    }
    survival = _published_survival(survival_medians(survivors, aims, when))

    stage_frame = frame.filter(pl.col("authority").is_in(chosen[Section.STAGES]))
    stages = _published_stages(
        stage_medians(stage_frame, since=since, as_of=when)
        if stage_frame.height
        else pl.DataFrame(schema=_STAGE_SCHEMA)
    )
    figures = NationalFigures(
        as_of=when,
        since=since,
        authorities={section: tuple(codes) for section, codes in chosen.items()},
        aims=aims_rows,
        funnels=funnels,
        bands=bands,
        survival=survival,
        stages=stages,
        tables=tables,
        aim_definitions=tuple(aims),
    )
    check_publishable(figures)
    return figures


_STAGE_SCHEMA: dict[str, pl.DataType] = {
    "authority": pl.String(),
    "stage": pl.String(),
    "label": pl.String(),
    "reached": pl.Int64(),
    "median_days": pl.Float64(),
}


def _sections(
    frame: pl.DataFrame, shares: Mapping[str, Iterable[Section | str]] | None
) -> dict[Section, list[str]]:
    present = sorted(frame.get_column("authority").unique().to_list())
    if shares is None:
        return dict.fromkeys(Section, present)
    wanted = {code: {Section(s) for s in sections} for code, sections in shares.items()}
    return {
        section: [code for code in present if section in wanted.get(code, set())]
        for section in Section
    }


def _protect_aims(
    band_outcomes: pl.DataFrame,
    aims: Sequence[AimDefinition],
    authorities: Sequence[str],
    previous: Mapping[str, Sequence[ProtectedTable]],
) -> dict[str, ProtectedTable]:
    tables: dict[str, ProtectedTable] = {}
    for aim in aims:
        counts = band_outcomes.filter(pl.col("aim") == aim.id)
        table = _count_table(counts, authorities)
        (tables[aim.id],) = protect(table, alongside=list(previous.get(aim.id, ())))
    return tables


def _count_table(counts: pl.DataFrame, authorities: Sequence[str]) -> CountTable:
    values = np.zeros((len(authorities), len(OUTCOMES)), dtype=np.int64)
    if counts.height and authorities:
        summed = counts.group_by("authority", "outcome").agg(pl.col("count").sum())
        row = {code: i for i, code in enumerate(authorities)}
        column = {outcome: j for j, outcome in enumerate(OUTCOMES)}
        for code, outcome, count in summed.iter_rows():  # a few cells per authority
            values[row[code], column[outcome]] += int(count)
    return CountTable(
        row="authority",
        column="outcome",
        row_keys=tuple(authorities),
        column_keys=OUTCOMES,
        values=values,
    )


def _aim_rows(
    band_outcomes: pl.DataFrame,
    aims: Sequence[AimDefinition],
    tables: Mapping[str, ProtectedTable],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rows: list[dict[str, Any]] = []
    funnels: list[pl.DataFrame] = []
    bands: list[pl.DataFrame] = []
    for aim in aims:
        table = tables[aim.id]
        authorities = [label for label in table.row_labels if label != TOTAL]
        if not authorities:
            continue  # nobody shares the aims
        counts = band_outcomes.filter(pl.col("aim") == aim.id)
        band_known = _band_known(counts, table.row_labels)
        standardised = {
            row["authority"]: row
            for row in indirect_standardisation(band_known).iter_rows(named=True)
        }
        # With one authority the table has no total row: the nation is that authority.
        national_key = TOTAL if TOTAL in table.row_labels else authorities[0]
        national_share = _share(_published_counts(table, national_key))
        for code in [*authorities, TOTAL]:
            published = _published_counts(table, national_key if code == TOTAL else code)
            row: dict[str, Any] = {"aim": aim.id, "authority": code, **published}
            row.update(_percent_figures(published))
            row["funnel"] = _funnel(published, national_share, code)
            row.update(_standardised_figures(standardised.get(code), published, code))
            rows.append(row)
        known_sizes = [
            r["known"]
            for r in rows
            if r["aim"] == aim.id and r["authority"] != TOTAL and r["known"]
        ]
        if national_share is not None and known_sizes:
            limits = funnel_limits(national_share, funnel_sizes(max(known_sizes)))
            funnels.append(
                limits.with_columns(
                    [pl.col(c).round(2) for c in limits.columns if c != "n"]
                ).select(pl.lit(aim.id).alias("aim"), pl.all())
            )
        bands.append(_band_rates(aim, band_known))
    aims_frame = pl.DataFrame(rows, schema=_AIM_SCHEMA)
    funnel_frame = pl.concat(funnels) if funnels else pl.DataFrame(schema=_FUNNEL_SCHEMA)
    band_frame = pl.concat(bands) if bands else pl.DataFrame(schema=_BAND_SCHEMA)
    return aims_frame, funnel_frame, band_frame


_AIM_SCHEMA: dict[str, pl.DataType] = {
    "aim": pl.String(),
    "authority": pl.String(),
    "counted": pl.Int64(),
    "met": pl.Int64(),
    "not_met": pl.Int64(),
    "pending": pl.Int64(),
    "stopped": pl.Int64(),
    "known": pl.Int64(),
    "percent": pl.Int64(),
    "percent_lower": pl.Int64(),
    "percent_upper": pl.Int64(),
    "funnel": pl.String(),
    "expected": pl.Float64(),
    "ratio": pl.Float64(),
    "ratio_lower": pl.Float64(),
    "ratio_upper": pl.Float64(),
    "standardised_percent": pl.Int64(),
    "standardised_lower": pl.Int64(),
    "standardised_upper": pl.Int64(),
}

_FUNNEL_SCHEMA: dict[str, pl.DataType] = {
    "aim": pl.String(),
    "n": pl.Int64(),
    "centre": pl.Float64(),
    "lower_95": pl.Float64(),
    "upper_95": pl.Float64(),
    "lower_998": pl.Float64(),
    "upper_998": pl.Float64(),
}

_BAND_SCHEMA: dict[str, pl.DataType] = {
    "aim": pl.String(),
    "band": pl.String(),
    "met": pl.Int64(),
    "not_met": pl.Int64(),
    "known": pl.Int64(),
    "percent": pl.Int64(),
}


def _published_counts(table: ProtectedTable, code: str) -> dict[str, int | None]:
    counts: dict[str, int | None] = {"counted": table.published(code, TOTAL)}
    for outcome in OUTCOMES:
        counts[outcome] = table.published(code, outcome)
    met, not_met = counts[Outcome.MET.value], counts[Outcome.NOT_MET.value]
    counts["known"] = None if met is None or not_met is None else met + not_met
    return counts


def _share(counts: Mapping[str, int | None]) -> float | None:
    met, known = counts[Outcome.MET.value], counts["known"]
    if met is None or not known:
        return None
    return met / known


def _percent_figures(counts: Mapping[str, int | None]) -> dict[str, int | None]:
    share = _share(counts)
    if share is None:
        return {"percent": None, "percent_lower": None, "percent_upper": None}
    low, high = wilson_interval([counts[Outcome.MET.value] or 0], [counts["known"] or 0])
    return {
        "percent": whole_number(100 * share),
        "percent_lower": whole_number(100 * float(low[0])),
        "percent_upper": whole_number(100 * float(high[0])),
    }


def _funnel(
    counts: Mapping[str, int | None], national_share: float | None, code: str
) -> str | None:
    share = _share(counts)
    known = counts["known"]
    if code == TOTAL or share is None or national_share is None or not known:
        return None
    return funnel_position(known, 100 * share, national_share).value


def _standardised_figures(
    row: Mapping[str, Any] | None, counts: Mapping[str, int | None], code: str
) -> dict[str, float | int | None]:
    empty: dict[str, float | int | None] = {
        "expected": None,
        "ratio": None,
        "ratio_lower": None,
        "ratio_upper": None,
        "standardised_percent": None,
        "standardised_lower": None,
        "standardised_upper": None,
    }
    # Withheld unless the percentage itself may be shown: the standardised figures rest
    # on the same counts.
    if row is None or code == TOTAL or _share(counts) is None:
        return empty
    return {
        "expected": round_half_up(row["expected"], 1),
        "ratio": round_half_up(row["ratio"], 2),
        "ratio_lower": round_half_up(row["ratio_lower"], 2),
        "ratio_upper": round_half_up(row["ratio_upper"], 2),
        "standardised_percent": whole_number(row["percent"]),
        "standardised_lower": whole_number(row["percent_lower"]),
        "standardised_upper": whole_number(row["percent_upper"]),
    }


def _band_known(counts: pl.DataFrame, labels: Sequence[str]) -> pl.DataFrame:
    """Met and known (met + not met) per authority and band, every band present."""
    authorities = [label for label in labels if label != TOTAL]
    grid = pl.DataFrame({"authority": authorities}).join(
        pl.DataFrame({"band": list(AGE_BANDS)}), how="cross"
    )
    summed = counts.group_by("authority", "band").agg(
        (pl.col("count") * (pl.col("outcome") == Outcome.MET.value)).sum().alias("met"),
        (pl.col("count") * pl.col("outcome").is_in([Outcome.MET.value, Outcome.NOT_MET.value]))
        .sum()
        .alias("known"),
    )
    return grid.join(summed, on=["authority", "band"], how="left").with_columns(
        pl.col("met").fill_null(0).cast(pl.Int64), pl.col("known").fill_null(0).cast(pl.Int64)
    )


def _band_rates(aim: AimDefinition, band_known: pl.DataFrame) -> pl.DataFrame:
    """The national percentage met per age band: the standard, protected as a table."""
    totals = band_known.group_by("band").agg(pl.col("met").sum(), pl.col("known").sum())
    totals = (
        pl.DataFrame({"band": list(AGE_BANDS)}).join(totals, on="band", how="left").fill_null(0)
    )
    met = totals.get_column("met").to_numpy().astype(np.int64)
    not_met = totals.get_column("known").to_numpy().astype(np.int64) - met
    (protected,) = protect(
        CountTable(
            row="band",
            column="outcome",
            row_keys=AGE_BANDS,
            column_keys=(Outcome.MET.value, Outcome.NOT_MET.value),
            values=np.column_stack([met, not_met]),
        )
    )
    rows = []
    for band in AGE_BANDS:
        band_met = protected.published(band, Outcome.MET.value)
        band_not_met = protected.published(band, Outcome.NOT_MET.value)
        known = None if band_met is None or band_not_met is None else band_met + band_not_met
        rows.append(
            {
                "aim": aim.id,
                "band": band,
                "met": band_met,
                "not_met": band_not_met,
                "known": known,
                "percent": whole_number(100 * band_met / known)
                if band_met is not None and known
                else None,
            }
        )
    return pl.DataFrame(rows, schema=_BAND_SCHEMA)


def _published_survival(medians: pl.DataFrame) -> pl.DataFrame:
    """Medians in whole weeks, withheld where fewer than 5 children reached the milestone
    or fewer than 5 were counted; the counts themselves are not published. The
    percentage reached by the target week is left out: it is the aim's percentage met by
    another route, and the aims section publishes that under disclosure control (a
    percentage beside a published count could give a hidden count away)."""
    enough = (pl.col("reached") >= MEDIAN_LEAST_REACHED) & (
        pl.col("children") >= MEDIAN_LEAST_REACHED
    )

    def weeks(column: str) -> pl.Expr:
        return (
            pl.when(enough & pl.col(column).is_not_null())
            .then((pl.col(column) / 7 + 0.5).floor().cast(pl.Int64))
            .alias(column.replace("_days", "_weeks"))
        )

    return medians.select(
        "aim",
        "authority",
        weeks("median_days"),
        weeks("lower_days"),
        weeks("upper_days"),
    )


def _published_stages(medians: pl.DataFrame) -> pl.DataFrame:
    """Median days per stage, whole days, withheld where fewer than 5 completed it."""
    enough = pl.col("reached") >= MEDIAN_LEAST_REACHED
    return medians.select(
        "authority",
        "stage",
        "label",
        pl.when(enough & pl.col("median_days").is_not_null())
        .then((pl.col("median_days") + 0.5).floor().cast(pl.Int64))
        .alias("median_days"),
    )


def check_publishable(figures: NationalFigures) -> None:
    """Refuse figures that would show a count from 1 to 4 (a last line of defence)."""
    for name, frame, columns in (
        ("aims", figures.aims, COUNT_COLUMNS),
        ("bands", figures.bands, BAND_COUNT_COLUMNS),
    ):
        for column in columns:
            small = hidden_counts(frame.get_column(column).drop_nulls().to_list())
            if small:
                raise ValueError(f"the {name} table would show counts under {THRESHOLD}")
    for frame in (figures.survival, figures.stages):
        if {"children", "reached"} & set(frame.columns):
            raise ValueError("medians are published without the counts behind them")
