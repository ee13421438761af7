"""The national figures as published: computed once per reference date and sharing state.

**When figures refer to.** National figures describe a fixed reference date, the last
day of the most recent complete quarter, like official statistics, and count children
whose clock started in the three years up to it (``WINDOW_YEARS``). A figure that moved
every day would give away, by its daily differences, what happened to single children.

**When they are computed.** The first page view for a reference date and a sharing
state computes the figures from the snapshots (``snapshots.py``), under disclosure
control, and stores them as a ``NationalPublication``; every later view reads that
record. The key is the reference date, the window and the sharing state: when an
authority withdraws (or starts sharing, or its first snapshot is ready) the key changes,
so the next view computes new figures without it. That is what makes a withdrawal take
effect at once. A snapshot rebuilt later with corrected records is used by the next
publication (the next change of sharing, or the next quarter), not by a fresh one each
night, so published figures do not drift by a child at a time.

**Protected together.** Each new publication for a reference date is protected together
with every earlier publication for that date (``analysis.disclosure.protect``), so
comparing the figures before and after a withdrawal cannot give away the withdrawn
authority's hidden counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction

from permanence.analysis.benchmarking import Section, national_figures
from permanence.analysis.disclosure import ProtectedTable
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.models import NationalPublication, NationalSnapshot
from permanence.web.national.sharing import current_shares
from permanence.web.national.snapshots import national_frame

WINDOW_YEARS = 3


def reference_date(today: date) -> date:
    """The last day of the most recent complete quarter before ``today``."""
    quarter_first_month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, quarter_first_month, 1) - timedelta(days=1)


def window_start(reference: date) -> date:
    """The first day of the window: children whose clock started from here are counted.

    ``reference`` is a quarter's last day (``reference_date``): 31 March, 30 June,
    30 September or 31 December, each of which every year has.
    """
    return reference.replace(year=reference.year - WINDOW_YEARS) + timedelta(days=1)


@dataclass(frozen=True)
class Workspace:
    """What the national workspace shows now."""

    reference_date: date
    since: date
    names: dict[str, str]  # authority code -> name, for every sharing authority
    shares: dict[str, frozenset[Section]]  # of the authorities whose snapshot is ready
    waiting: list[str]  # codes of sharing authorities whose snapshot is not ready yet
    publication: NationalPublication | None
    figures: dict[str, Any] = field(default_factory=dict)

    def rows(self, name: str) -> pl.DataFrame:
        """One of the published tables (``aims``, ``funnels``, ``bands``, ``survival``,
        ``stages``) as a frame."""
        return pl.DataFrame(self.figures.get(name) or [], infer_schema_length=None)


def workspace(today: date) -> Workspace:
    """The national workspace for ``today``: computed if this state has not been yet."""
    reference = reference_date(today)
    since = window_start(reference)
    shares_by_id = current_shares()
    ids = frozenset(shares_by_id)
    # The one explicit scope of the national app: the authorities that share, and only
    # for their names and snapshots; everything leaving it is disclosure-controlled.
    with scoped_to(Scope(ids)):
        authorities = {a.pk: a for a in LocalAuthority.objects.all()}
        snapshots = list(NationalSnapshot.everywhere.filter(authority_id__in=ids, as_of=reference))
        ready = {snapshot.authority_id for snapshot in snapshots}
        shares = {
            authorities[i].code: sections
            for i, sections in shares_by_id.items()
            if i in ready and i in authorities
        }
        names = {authority.code: authority.name for authority in authorities.values()}
        waiting = sorted(authorities[i].code for i in ids - ready if i in authorities)
        key = publication_key(reference, since, shares)
        publication = NationalPublication.objects.filter(key=key).first()
        if publication is None and shares:
            frame = national_frame(snapshots, reference)
            publication = _publish(frame, reference, since, shares, key)
    return Workspace(
        reference_date=reference,
        since=since,
        names=names,
        shares=shares,
        waiting=waiting,
        publication=publication,
        figures=publication.figures if publication is not None else {},
    )


def publication_key(reference: date, since: date, shares: Mapping[str, frozenset[Section]]) -> str:
    state = {
        "reference_date": reference.isoformat(),
        "since": since.isoformat(),
        "shares": {
            code: sorted(s.value for s in sections) for code, sections in sorted(shares.items())
        },
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _publish(
    frame: pl.DataFrame,
    reference: date,
    since: date,
    shares: Mapping[str, frozenset[Section]],
    key: str,
) -> NationalPublication:
    earlier = earlier_tables(reference)
    figures = national_figures(frame, shares=shares, since=since, previous=earlier, as_of=reference)
    try:
        with transaction.atomic():
            return NationalPublication.objects.create(
                reference_date=reference,
                key=key,
                figures=figures.as_dict(),
                tables=figures.raw_tables(),
            )
    except IntegrityError:
        # Another request published the same state a moment ago: use theirs.
        return NationalPublication.objects.get(key=key)


# The columns of ``ProtectedTable.raw_frame``, given rather than guessed: most cells are
# not hidden, so guessing from the first rows can take the reason for a null column and
# then fail on the first hidden cell of a table of more than about 20 authorities.
_RAW_SCHEMA = {"row": pl.String, "column": pl.String, "value": pl.Int64, "suppression": pl.String}


def earlier_tables(reference: date) -> dict[str, list[ProtectedTable]]:
    """Every protected table published before for ``reference``, by aim."""
    earlier: dict[str, list[ProtectedTable]] = {}
    for publication in NationalPublication.objects.filter(reference_date=reference):
        for aim, rows in (publication.tables or {}).items():
            if not rows:
                continue
            table = ProtectedTable.from_raw_frame(
                pl.DataFrame(rows, schema=_RAW_SCHEMA), row="authority", column="outcome"
            )
            earlier.setdefault(aim, []).append(table)
    return earlier
