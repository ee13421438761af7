"""Planning follows the records: typed in, imported, or a policy changed.

An import announces the care periods it touched with ``records_loaded`` after it commits
(bulk writes send no per-row signals). A record typed in (in the admin, or a future
form) sends ``post_save``; the periods it belongs to are replanned once the transaction
commits, so a half-finished change is never planned from. A new policy version replans
the authority's open periods.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from permanence.web.planning.models import ReviewPolicyVersion
from permanence.web.planning.planner import periods_needing_planning, replan_periods
from permanence.web.records.models import CarePeriod, Meeting, Milestone, Placement
from permanence.web.records.signals import records_loaded
from permanence.web.tenancy.scope import Scope, scoped_to

logger = logging.getLogger(__name__)


def _replan(authority_id: int, period_ids: Iterable[int]) -> None:
    """Replan, never letting a planning fault undo or hide the change that caused it.

    The records are already committed when this runs; a fault is logged and the daily
    alerts run replans every open care period again.
    """
    try:
        with scoped_to(Scope.authority(authority_id)):
            replan_periods(period_ids)
    except Exception:
        logger.exception("review planning failed for authority %s", authority_id)


@receiver(records_loaded, dispatch_uid="planning-after-import")
def plan_after_import(
    sender: Any, authority: Any, care_period_ids: set[int], **kwargs: Any
) -> None:
    if care_period_ids:
        _replan(authority.pk, care_period_ids)


def _replan_on_commit(authority_id: int, period_id: int) -> None:
    transaction.on_commit(lambda: _replan(authority_id, [period_id]))


@receiver(post_save, sender=CarePeriod, dispatch_uid="planning-period-saved")
def plan_period(sender: Any, instance: CarePeriod, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _replan_on_commit(instance.authority_id, instance.pk)


@receiver(post_save, sender=Placement, dispatch_uid="planning-placement-saved")
@receiver(post_save, sender=Meeting, dispatch_uid="planning-meeting-saved")
@receiver(post_save, sender=Milestone, dispatch_uid="planning-milestone-saved")
@receiver(post_delete, sender=Placement, dispatch_uid="planning-placement-deleted")
@receiver(post_delete, sender=Meeting, dispatch_uid="planning-meeting-deleted")
@receiver(post_delete, sender=Milestone, dispatch_uid="planning-milestone-deleted")
def plan_record(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _replan_on_commit(instance.authority_id, instance.care_period_id)


@receiver(post_save, sender=ReviewPolicyVersion, dispatch_uid="planning-policy-saved")
def plan_after_policy_change(sender: Any, instance: ReviewPolicyVersion, **kwargs: Any) -> None:
    authority_id = instance.authority_id

    def replan() -> None:
        with scoped_to(Scope.authority(authority_id)):
            periods = periods_needing_planning(timezone.localdate())
        _replan(authority_id, periods)

    transaction.on_commit(replan)
