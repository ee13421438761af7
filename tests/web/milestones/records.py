"""A milestone typed in on each authority's child's journey page, for the walks: its
reason carries ``marker``, so the tenancy walk sees it if it ever shows to another
authority, and its change and remove pages are walked with a row that exists."""

from __future__ import annotations

from datetime import date

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod, Milestone


def add_entered_milestone(authority: LocalAuthority, user: User, marker: str) -> Milestone:
    with scoped_to(Scope.authority(authority.pk)):
        return Milestone.objects.create(
            authority=authority,
            care_period=CarePeriod.objects.get(),
            milestone="pca_started",
            date=date(2022, 1, 20),
            reason=f"{marker} milestone note",
            entered_by=user,
        )
