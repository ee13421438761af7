"""An aim's figures in plain sentences, for the command line, pages and reports.

"Aim 2: 61% of the 88 children accommodated in 2024 whose outcome is known had a
permanence recommendation within 26 weeks; 12 are still waiting, 5 of them past 26 weeks;
3 left care or went home without a permanence recommendation."

Percentages are rounded to the nearest whole number, halves up, worked in whole numbers
so a data lead's hand count gives the same figure.
"""

from __future__ import annotations

from permanence.analysis.aims import AimDefinition, AimKind, end_words, start_words
from permanence.analysis.aims_outcomes import (
    AimFigures,
    AimPeriod,
    AimProgress,
    AimResult,
    stops_on_return_home,
    stops_on_reversal,
)
from permanence.analysis.periods import long_date
from permanence.journey.vocabulary import plural


def whole_percent(part: int, whole: int) -> int:
    """part / whole as a whole percentage, halves rounded up (5 of 8 is 63%)."""
    if whole <= 0:
        raise ValueError("a percentage needs at least one child")
    return (200 * part + whole) // (2 * whole)


def children(count: int) -> str:
    return "1 child" if count == 1 else f"{count} children"


def describe(result: AimResult) -> list[str]:
    """Sentences for an aim: Aim 1 as a whole; any other aim per entry period, then its
    progress toward its percentage when it sets one."""
    if result.aim.kind is AimKind.REVIEWED_AFTER:
        lines = [describe_review_aim(result.aim, result.overall)]
    else:
        lines = [describe_period(result.aim, period) for period in result.periods]
        if not lines:
            lines = [f"{result.aim.title}: no child is counted yet."]
    if result.aim.target_percent is not None:
        lines.append(describe_progress(result.aim, result.progress))
    return lines


def describe_period(aim: AimDefinition, period: AimPeriod) -> str:
    """One entry period of a ``WITHIN`` aim, in the words of the example above."""
    figures, target = period.figures, aim.target_text
    who = f"children {start_words(aim)} in {period.label}"
    if figures.known:
        opening = (
            f"{aim.title}: {whole_percent(figures.met, figures.known)}% of the "
            f"{figures.known} {who} whose outcome is known had {end_words(aim)} within {target}"
        )
    else:
        opening = f"{aim.title}: none of the {figures.counted} {who} has a known outcome yet"
    parts = [opening]
    if figures.still_waiting:
        verb = "is" if figures.still_waiting == 1 else "are"
        waiting = f"{figures.still_waiting} {verb} still waiting"
        if figures.waiting_over_target:
            waiting += f", {figures.waiting_over_target} of them past {target}"
        parts.append(waiting)
    if figures.left_without_end:
        if stops_on_reversal(aim):
            how = "left care or had the decision reversed"
        elif stops_on_return_home(aim):
            how = "left care or went home"
        else:
            how = "left care"
        left = f"{figures.left_without_end} {how} without {end_words(aim)}"
        if figures.left_after_target:
            left += (
                f" ({figures.left_after_target} of them after {target} had passed, "
                "so counted as not met)"
            )
        parts.append(left)
    return "; ".join(parts) + "."


def describe_review_aim(aim: AimDefinition, figures: AimFigures) -> str:
    """Aim 1: the children whose order at home has lasted the target, reviewed or not."""
    if not figures.counted:
        return (
            f"{aim.title}: no child has been at home on a Compulsory Supervision Order "
            f"for {aim.target_text} or more."
        )
    not_reviewed = figures.counted - figures.met
    verb = "has" if figures.counted == 1 else "have"
    return (
        f"{aim.title}: {children(figures.counted)} {verb} been at home on a Compulsory "
        f"Supervision Order for {aim.target_text} or more; {figures.met} "
        f"({whole_percent(figures.met, figures.counted)}%) have had the order reviewed by a "
        f"Children's Hearing (or ended) since it reached {aim.target_text} and "
        f"{not_reviewed} have not."
    )


def describe_progress(aim: AimDefinition, progress: AimProgress) -> str:
    """How far the aim has come toward its percentage by its "by" date."""
    goal = f"{aim.target_percent}%"
    if aim.by_date is not None:
        goal += f" by {long_date(aim.by_date)}"
    since = ""
    if aim.start_on_or_after is not None:
        since = f", counting children {start_words(aim)} on or after "
        since += long_date(aim.start_on_or_after)
    figures = progress.figures
    if not figures.known:
        standing = "no child counted has a known outcome yet"
    else:
        percent = whole_percent(figures.met, figures.known)
        position = "at or above the aim" if progress.at_or_above_target else "below the aim"
        standing = (
            f"{percent}% of the {figures.known} children whose outcome is known met it, {position}"
        )
    timing = ""
    if progress.days_until_by is not None:
        days = progress.days_until_by
        if days > 0:
            timing = f"; {plural(days, 'day')} to go"
        elif days == 0:
            timing = "; the 'by' date is today"
        else:
            timing = f"; the 'by' date passed {plural(-days, 'day')} ago"
    return f"{aim.title} toward {goal}{since}: {standing}{timing}."
