"""A sharing decision and the snapshot it needs are recorded together or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from permanence.analysis.benchmarking import Section
from permanence.web.accounts.models import LocalAuthority
from permanence.web.national import sharing
from permanence.web.national.models import NationalSnapshot, SharingDecision
from permanence.web.national.sharing import decide

AS_OF = date(2025, 6, 30)


def test_a_snapshot_that_cannot_be_built_leaves_no_decision(
    authority_a: LocalAuthority, snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(authority: LocalAuthority, as_of: date) -> NationalSnapshot:
        raise OSError("the snapshot directory is full")

    monkeypatch.setattr(sharing, "build_snapshot", fail)
    with pytest.raises(OSError, match="full"):
        decide(authority_a, {Section.AIMS}, by=None, note="start sharing", as_of=AS_OF)
    assert not SharingDecision.everywhere.filter(authority=authority_a).exists()


def test_a_decision_whose_snapshot_is_built_is_kept(
    authority_a: LocalAuthority, snapshot_dir: Path
) -> None:
    decision = decide(authority_a, {Section.AIMS}, by=None, note="start sharing", as_of=AS_OF)
    assert decision.sections == frozenset({Section.AIMS})
    assert NationalSnapshot.everywhere.filter(authority=authority_a, as_of=AS_OF).exists()
    assert SharingDecision.everywhere.filter(authority=authority_a).count() == 1
