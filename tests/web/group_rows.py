"""An authority's Champions' Group meeting with an action, and its child allocated to a
reviewing officer, for the walks. ``marker`` is written into every text field, so the
tenancy walk can see it if it ever shows to another authority."""

from __future__ import annotations

from datetime import date

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.improvement.models import GroupAction, GroupMeeting
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import Allocation
from permanence.web.records.models import CarePeriod


def add_group_rows(authority: LocalAuthority, officer: User, marker: str) -> None:
    with scoped_to(Scope.authority(authority.pk)):
        meeting = GroupMeeting.objects.create(
            authority=authority,
            held_on=date(2022, 3, 1),
            attended=["social_work", "scra"],
            pack_date=date(2022, 2, 28),
            decisions=f"{marker} group decision",
            notes=f"{marker} group notes",
        )
        GroupAction.objects.create(
            authority=authority,
            meeting=meeting,
            what=f"{marker} group action",
            owner=f"{marker} owner",
            due_on=date(2022, 3, 15),
        )
        Allocation.objects.create(
            authority=authority,
            care_period=CarePeriod.objects.get(),
            worker=officer,
            part=Allocation.Part.REVIEWING_OFFICER,
            started=date(2022, 1, 1),
        )
