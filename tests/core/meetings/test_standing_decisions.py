"""The decisions standing for a care period, in words, and the purposeful delays due to be
looked at again: worked by hand (docs/meetings.md, "The decisions on the due lists")."""

from __future__ import annotations

from datetime import date

from permanence.analysis.meetings import DecisionKind
from permanence.analysis.standing_decisions import (
    DecisionFact,
    LookAgain,
    looks_again_due,
    standing_decisions,
)

K = DecisionKind


def test_each_kind_of_decision_in_words_in_a_fixed_order() -> None:
    facts = [
        DecisionFact(1, K.UNDER_3_REFERRED, date(2022, 1, 10)),
        DecisionFact(1, K.ASSESSMENT_LIMIT, date(2022, 1, 24)),
        DecisionFact(1, K.LEGAL_ADVICE_REQUESTED, date(2022, 1, 24)),
        DecisionFact(1, K.LEGAL_ADVICE_RECEIVED, date(2022, 2, 21), written=True),
        DecisionFact(1, K.PURPOSEFUL_DELAY, date(2022, 2, 1), date(2022, 3, 1)),
        DecisionFact(1, K.PURPOSEFUL_DELAY, date(2022, 3, 1), date(2022, 4, 12)),
        DecisionFact(1, K.CONCURRENT_PLANNING, date(2022, 1, 24)),
        DecisionFact(1, K.CONCURRENT_PLANNING, date(2022, 5, 2)),
    ]
    assert standing_decisions(facts) == {
        1: (
            "Concurrent planning since 24 Jan 2022",  # the first time recorded
            "Purposeful delay from 1 Mar 2022, to look at again on 12 Apr 2022",  # the latest
            "Legal advice received 21 Feb 2022 (written)",
            "40-day limit on the parenting capacity assessment set 24 Jan 2022",
            "Referred to the Children's Reporter 10 Jan 2022",
        )
    }


def test_legal_advice_asked_again_after_it_was_received_is_waiting_again() -> None:
    facts = [
        DecisionFact(7, K.LEGAL_ADVICE_REQUESTED, date(2022, 1, 24)),
        DecisionFact(7, K.LEGAL_ADVICE_RECEIVED, date(2022, 2, 21)),
        DecisionFact(7, K.LEGAL_ADVICE_REQUESTED, date(2022, 6, 6)),
        DecisionFact(8, K.LEGAL_ADVICE_REQUESTED, date(2022, 6, 6)),
        DecisionFact(8, K.LEGAL_ADVICE_RECEIVED, date(2022, 6, 6)),  # the same day: received
    ]
    assert standing_decisions(facts) == {
        7: ("Legal advice requested 6 Jun 2022, not yet received",),
        8: ("Legal advice received 6 Jun 2022 (not written)",),
    }


def test_the_latest_delay_of_each_period_is_due_to_be_looked_at_again_by_the_horizon() -> None:
    horizon = date(2022, 6, 14)  # 14 June: today, 31 May, and 14 days of "due soon"
    facts = [
        # Period 1: past its date (3 days overdue on 31 May).
        DecisionFact(1, K.PURPOSEFUL_DELAY, date(2022, 4, 1), date(2022, 5, 28)),
        # Period 2: due on 5 June, inside the horizon.
        DecisionFact(2, K.PURPOSEFUL_DELAY, date(2022, 5, 2), date(2022, 6, 5)),
        # Period 3: 30 July, beyond it.
        DecisionFact(3, K.PURPOSEFUL_DELAY, date(2022, 5, 2), date(2022, 7, 30)),
        # Period 4: looked at again on 20 May and the delay renewed to 1 September.
        DecisionFact(4, K.PURPOSEFUL_DELAY, date(2022, 3, 1), date(2022, 5, 20)),
        DecisionFact(4, K.PURPOSEFUL_DELAY, date(2022, 5, 20), date(2022, 9, 1)),
        # Period 5: another kind of decision has no date to look again.
        DecisionFact(5, K.CONCURRENT_PLANNING, date(2022, 5, 2)),
    ]
    assert looks_again_due(facts, horizon) == [
        LookAgain(1, date(2022, 4, 1), date(2022, 5, 28)),
        LookAgain(2, date(2022, 5, 2), date(2022, 6, 5)),
    ]
