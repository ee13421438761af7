"""The process measures an authority can choose for a measure or a local aim: the
planning summary's (meetings and reviews held in time), then every meeting measure of
its catalogue (web/meetings), its own kinds of meeting included.

The choice is the authority's, so it is checked by the forms against this catalogue in
the authority's scope, not fixed on the model: another authority's kind of meeting is
never offered, and a key it does not hold is refused."""

from __future__ import annotations

from permanence.web.improvement.models import ProcessMeasure
from permanence.web.meetings.measures import measure_catalogue

#: The planning summary's own measures (web/planning), before the meetings'.
PLANNING_SUMMARY_MEASURES = (
    ProcessMeasure.PLANNING_72H,
    ProcessMeasure.PLANNING_MEETING,
    ProcessMeasure.REVIEWS,
)


def process_measure_catalogue() -> dict[str, str]:
    """Every process measure the authority in scope can choose, key to title."""
    return {m.value: m.label for m in PLANNING_SUMMARY_MEASURES} | measure_catalogue()


def process_measure_title(key: str) -> str:
    """The measure's title; the key itself for a kind of meeting since removed."""
    return process_measure_catalogue().get(key, key)


def process_measure_choices() -> list[tuple[str, str]]:
    """The catalogue as a form's choices, with the empty choice first."""
    return [("", "---------"), *process_measure_catalogue().items()]
