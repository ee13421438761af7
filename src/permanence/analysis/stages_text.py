"""Where children wait, in one sentence a Champions' Group can read aloud.

"Most of the waiting is before the order granted: 21% of all the days children have
waited, then the permanence recommendation (21%)."

The dashboards and the report pack both say it, so it is said here once.
"""

from __future__ import annotations

from collections.abc import Sequence

from permanence.analysis.stages import StageFigures


def where_most_waiting_is(ranked: Sequence[StageFigures]) -> str:
    """The stage holding the largest share of all the days waited, and the next one.

    ``ranked`` is the stages in order of their share (``StageResult.overall.ranked()``);
    stages with no share are passed over.
    """
    waited = [stage for stage in ranked if stage.share > 0]
    if not waited:
        return "No accommodated child is counted yet, so there is no waiting to share out."
    first = waited[0]
    text = (
        f"Most of the waiting is before the {first.label.lower()}: "
        f"{round(first.share)}% of all the days children have waited"
    )
    if len(waited) > 1:
        second = waited[1]
        text += f", then the {second.label.lower()} ({round(second.share)}%)"
    return text + "."
