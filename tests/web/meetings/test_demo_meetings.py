"""The demo's meeting records: made from the synthetic extract, the same every time, and
enough for every measure to have points."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from permanence.synth import generate
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.demo import prepare_demo_meetings
from permanence.web.meetings.measures import (
    DECISION_CODES,
    authority_meeting_measures,
    decision_differences,
    differences,
)
from permanence.web.meetings.models import (
    AgendaItemRecord,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.records.models import Milestone

AS_OF = date(2026, 9, 30)


def _made(authority: LocalAuthority) -> list[tuple[object, ...]]:
    with scoped_to(Scope.authority(authority.pk)):
        return [
            *PlanningMeeting.objects.order_by("pk").values_list(
                "care_period__child__child_ref", "held_date", "attended"
            ),
            *AgendaItemRecord.objects.order_by("pk").values_list("key", "state"),
            *MeetingAction.objects.order_by("pk").values_list("due_date", "done_on"),
            *PlanDecision.objects.order_by("pk").values_list("kind", "decided_on"),
        ]


def test_the_demo_meetings_are_the_same_every_time_and_every_measure_has_points(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    tables = generate(150, 7, end=AS_OF)
    for authority in (authority_a, authority_b):
        load(authority, tables)
        cache.STORE.clear()
        made = prepare_demo_meetings(authority, as_of=AS_OF, seed=3)
        assert made > 10
    assert _made(authority_a) == _made(authority_b)
    assert prepare_demo_meetings(authority_a, as_of=AS_OF, seed=3) == 0  # once only
    with scoped_to(Scope.authority(authority_a.pk)):
        data = authority_data(authority_a.pk)
        measures = authority_meeting_measures(authority_a.pk, data.frame, AS_OF)
        assert len(differences()) <= 1
        # The generator's decisions came with the extract: none is typed in again.
        assert decision_differences() == []
        imported = set(
            Milestone.objects.filter(milestone__in=DECISION_CODES).values_list(
                "care_period_id", "milestone"
            )
        )
        assert imported
        typed = set(PlanDecision.objects.values_list("care_period_id", "kind"))
        assert not imported & typed
    for key in ("mtg_2wk_on_time", "mtg_review_dates", "mtg_actions_on_time", "legal_advice_early"):
        assert measures[key].table.height > 0, key
