"""Where children wait, in one sentence a Champions' Group can read aloud.

"Most of the waiting is before the order granted: 21% of all the days children have
waited, then the permanence recommendation (21%)."

The dashboards and the report pack both say it, so it is said here once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from permanence.analysis.stages import StageFigures


def share_text(share: float) -> str:
    """A stage's share of all the waiting as printed: "21%", or "<1%" for a share that
    is not nothing but rounds to it; halves round up, as the stage chart labels them."""
    if 0 < share < 0.5:
        return "<1%"
    return f"{math.floor(share + 0.5)}%"


def _in_sentence(label: str) -> str:
    """A stage's label inside a sentence: only its first letter lowered, so the names of
    the Children's Hearing and the Looked After Child review keep their capitals."""
    return label[:1].lower() + label[1:]


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
        f"Most of the waiting is before the {_in_sentence(first.label)}: "
        f"{share_text(first.share)} of all the days children have waited"
    )
    if len(waited) > 1:
        second = waited[1]
        text += f", then the {_in_sentence(second.label)} ({share_text(second.share)})"
    return text + "."
