"""RECORD001: the load queries a record an earlier extract held and this one does not.

The load raises it (tests/web/test_absent_records.py loads real extracts); whether a
record is gone at all is the pure matching's answer, tested here on the extract's own
tables: a record whose date the later extract corrects is not gone, one it drops is.
"""

from __future__ import annotations

from datetime import date

from permanence.ingest.rules import all_rules
from permanence.journey.identity import Candidate, candidate, match_records


def _gone(held: list[tuple[str, date]], later: list[tuple[str, date]]) -> list[tuple[str, date]]:
    def candidates(rows: list[tuple[str, date]]) -> list[Candidate]:
        return [
            candidate("milestones", {"milestone": kind, "date": day}, child="C3", parent=1)
            for kind, day in rows
        ]

    matching = match_records(candidates(held), candidates(later))
    return [held[index] for index in matching.gone_records]


def test_record001_fires_for_a_record_the_later_extract_drops() -> None:
    held = [("permanence_recommendation", date(2024, 1, 20)), ("adm_decision", date(2024, 5, 1))]
    assert _gone(held, held[:1]) == [("adm_decision", date(2024, 5, 1))]
    assert all_rules()["RECORD001"].severity == "query"
    assert all_rules()["RECORD001"].phase == "load"


def test_record001_quiet_when_the_later_extract_corrects_the_date() -> None:
    held = [("permanence_recommendation", date(2024, 1, 20))]
    assert _gone(held, [("permanence_recommendation", date(2024, 9, 20))]) == []


def test_record001_quiet_for_the_same_extract_again() -> None:
    held = [("adm_decision", date(2024, 2, 1)), ("adm_decision", date(2024, 5, 1))]
    assert _gone(held, list(held)) == []
