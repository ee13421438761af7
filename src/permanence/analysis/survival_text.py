"""Entry-cohort survival in a sentence a Champions' Group can read aloud.

"Children accommodated in 2023: 48; half had a recommendation by week 31 (95% CI 26 to
38); 52% by the 26-week target (95% CI 40 to 63); 5 still waiting, 3 left care without a
recommendation."

Weeks are counted the way the aims count them: "by week k" means within 7 × k days of the
start, so a duration of d days is reported as week ceil(d / 7) (at least week 1, since a
milestone on the day the clock started is within the first week).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from permanence.journey.vocabulary import milestone_words


def week_of(days: int) -> int:
    """The week by which a duration of ``days`` falls: within 7 × week days."""
    return max(1, math.ceil(days / 7))


def group_name(start: str, period: str | None = None, by: Mapping[str, Any] | None = None) -> str:
    """ "Children accommodated in 2023", with any grouping in front ("team North, ...")."""
    words = milestone_words(start)
    phrase = words.who if words is not None else f"starting ({start})"
    text = f"children {phrase}" + (f" in {period}" if period else "")
    prefix = ", ".join(
        f"{name} {'not recorded' if value is None else value}" for name, value in (by or {}).items()
    )
    return f"{prefix}, {text}" if prefix else text[0].upper() + text[1:]


def describe(
    summary: Mapping[str, Any],
    *,
    who: str,
    end: str,
    stopped: str | None,
    confidence: float = 0.95,
) -> str:
    """One group's summary row (from ``SurvivalResult.summary``) as a sentence."""
    words = milestone_words(end)
    reached_phrase, noun = (words.reached, words.short) if words else (f"reached {end}", end)
    n = int(summary["n"])
    parts = [f"{who}: {n}" if n else f"{who}: none"]
    if n:
        parts.append(_half(summary, reached_phrase, confidence))
        if summary.get("target_weeks") is not None:
            parts.append(_by_target(summary, confidence))
        parts.append(_still_open(summary, stopped, noun))
    sentence = "; ".join(part for part in parts if part) + "."
    out_of_order = int(summary.get("dates_out_of_order") or 0)
    if out_of_order:
        sentence += f" {_children(out_of_order)} left out: dates out of order."
    return sentence


def _interval(lower: int | None, upper: int | None, confidence: float) -> str:
    level = f"{round(confidence * 100)}% CI"
    if lower is None:
        return f"(too few to give a {level})"
    high = "not yet known" if upper is None else str(week_of(upper))
    return f"({level} {week_of(lower)} to {high})"


def _half(summary: Mapping[str, Any], reached_phrase: str, confidence: float) -> str:
    days = summary.get("days_to_half")
    if days is None:
        followed = week_of(int(summary.get("followed_days") or 0))
        return f"fewer than half {reached_phrase} by week {followed}, the longest follow-up"
    interval = _interval(
        summary.get("days_to_half_lower"), summary.get("days_to_half_upper"), confidence
    )
    return f"half {reached_phrase} by week {week_of(int(days))} {interval}"


def _by_target(summary: Mapping[str, Any], confidence: float) -> str:
    weeks = int(summary["target_weeks"])
    percent = summary.get("percent_by_target")
    if percent is None:
        return f"nobody followed to the {weeks}-week target yet"
    lower = summary.get("percent_by_target_lower")
    upper = summary.get("percent_by_target_upper")
    level = f"{round(confidence * 100)}% CI"
    interval = "" if lower is None or upper is None else f" ({level} {lower:.0f} to {upper:.0f})"
    return f"{percent:.0f}% by the {weeks}-week target{interval}"


def _still_open(summary: Mapping[str, Any], stopped: str | None, noun: str) -> str:
    pieces = []
    waiting = int(summary.get("waiting") or 0)
    gone = int(summary.get("stopped") or 0)
    if waiting:
        pieces.append(f"{waiting} still waiting")
    if gone:
        words = milestone_words(stopped or "")
        action = words.stopped if words is not None else "stopped being followed"
        pieces.append(f"{gone} {action} without {noun}")
    return ", ".join(pieces)


def _children(count: int) -> str:
    return "1 child" if count == 1 else f"{count} children"
