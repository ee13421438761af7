"""What each authority shares with the national workspace, and changing it.

An authority's administrator chooses, section by section, what its figures contribute
(aggregates only: nothing at child level is ever shared). A change is a new
``SharingDecision``; the national figures follow the latest decision at once, because
the publication they are read from is keyed by the sharing state (``publication.py``).
Withdrawing everything also deletes the authority's snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from permanence.analysis.benchmarking import Section
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.national.models import NationalSnapshot, SharingDecision
from permanence.web.national.snapshots import build_snapshot, delete_snapshot, is_current


def current_decisions() -> dict[int, SharingDecision]:
    """The decision in force for every authority that has made one, by authority id."""
    latest: dict[int, SharingDecision] = {}
    for decision in SharingDecision.everywhere.order_by("authority_id", "-decided_at", "-pk"):
        latest.setdefault(decision.authority_id, decision)
    return latest


def current_shares() -> dict[int, frozenset[Section]]:
    """What each sharing authority shares now; authorities sharing nothing are left out."""
    return {
        authority_id: decision.sections
        for authority_id, decision in current_decisions().items()
        if decision.sections
    }


def learning_authorities() -> frozenset[int]:
    """The authorities whose decision in force shares what they learn (change ideas,
    progress): the only authorities whose learning any page, download or list shows."""
    return frozenset(
        authority_id for authority_id, decision in current_decisions().items() if decision.learning
    )


def shares_learning(authority_id: int) -> bool:
    decision = (
        SharingDecision.everywhere.filter(authority_id=authority_id)
        .order_by("-decided_at", "-pk")
        .first()
    )
    return decision is not None and decision.learning


def decide(
    authority: LocalAuthority,
    sections: Iterable[Section],
    *,
    by: User | None,
    note: str = "",
    as_of: date | None = None,
    learning: bool | None = None,
) -> SharingDecision:
    """Record a new decision for ``authority`` and act on it.

    ``learning`` says whether the authority shares what it learns (change ideas in the
    library, projects' phases and progress scores); None keeps what is in force.

    Sharing nothing deletes the authority's snapshot at once. Starting to share builds
    the snapshot (as of ``as_of``, the national reference date) if there is none current.
    The decision and the snapshot are one transaction: if the snapshot cannot be built,
    no decision is recorded, so the history never shows a choice that was not acted on.
    """
    chosen = frozenset(Section(s) for s in sections)
    if learning is None:
        learning = shares_learning(authority.pk)
    with transaction.atomic():
        decision = SharingDecision.everywhere.create(
            authority=authority,
            aims=Section.AIMS in chosen,
            survival=Section.SURVIVAL in chosen,
            stages=Section.STAGES in chosen,
            learning=learning,
            decided_by=by,
            note=note[:300],
        )
        if not chosen:
            delete_snapshot(authority)
        elif as_of is not None:
            _ensure_snapshot(authority, as_of)
    return decision


def _ensure_snapshot(authority: LocalAuthority, as_of: date) -> None:
    """Build the authority's snapshot as of ``as_of`` unless a current one exists."""
    existing = NationalSnapshot.everywhere.filter(authority=authority).first()
    if existing is None or not is_current(existing, as_of):
        build_snapshot(authority, as_of)
