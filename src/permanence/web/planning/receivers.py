"""Planning follows the records: typed in, imported, or a policy changed.

An import announces the care periods it touched with ``records_loaded`` after it commits
(bulk writes send no per-row signals); replanning them is a job the worker runs
(``planning.tasks``), tried again if it fails and shown to administrators if it keeps
failing, never only logged. So is replanning the authority's open periods after a new
policy version. A record typed in (in the admin, or a future form) sends ``post_save``;
the few periods it belongs to are replanned at once, once the transaction commits, so a
half-finished change is never planned from. If that fails, the replanning becomes a job
for the worker like a load's, tried again and shown if it keeps failing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import ReviewPolicyVersion
from permanence.web.planning.planner import replan_periods
from permanence.web.records.models import CarePeriod, Meeting, Milestone, Placement
from permanence.web.records.signals import records_loaded
from permanence.web.tasks.jobs import start_job
from permanence.web.tasks.models import Job

logger = logging.getLogger(__name__)


def _replan(authority_id: int, period_ids: Iterable[int]) -> None:
    """Replan, never letting a planning fault undo or hide the change that caused it.

    The records are already committed when this runs. A fault hands the replanning to the
    worker as a job (tried again with backoff, and shown to administrators on the status
    page if it keeps failing), so nobody has to find it in a log.
    """
    ids = sorted(set(period_ids))
    try:
        with scoped_to(Scope.authority(authority_id)):
            replan_periods(ids)
    except Exception:
        logger.exception(
            "review planning failed for authority %s; queued for the worker", authority_id
        )
        try:
            start_job(Job.Kind.REPLAN, authority_id, arguments={"care_period_ids": ids})
        except Exception:
            # The database itself is failing: the change stands, and the daily run
            # replans every open care period.
            logger.exception("the replanning could not be queued for authority %s", authority_id)


@receiver(records_loaded, dispatch_uid="planning-after-import")
def plan_after_import(
    sender: Any, authority: Any, care_period_ids: set[int], **kwargs: Any
) -> None:
    if care_period_ids:
        batch = kwargs.get("batch")
        start_job(
            Job.Kind.REPLAN,
            authority,
            arguments={
                "care_period_ids": sorted(care_period_ids),
                "batch": getattr(batch, "pk", None),
            },
        )


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
        moved_from = getattr(instance, _CARE_PERIOD_BEFORE, None)
        if moved_from is not None and moved_from != instance.care_period_id:
            # Moved to another care period: the one it left is planned without it.
            _replan_on_commit(instance.authority_id, moved_from)


#: Where a record stood before this save (``remember_care_period``).
_CARE_PERIOD_BEFORE = "_planning_care_period_before"


@receiver(pre_save, sender=Placement, dispatch_uid="planning-placement-moving")
@receiver(pre_save, sender=Meeting, dispatch_uid="planning-meeting-moving")
@receiver(pre_save, sender=Milestone, dispatch_uid="planning-milestone-moving")
def remember_care_period(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Note the care period a record being changed belonged to, so that ``plan_record``
    replans that one too if the change moves the record to another (a milestone or a
    planning meeting typed in and then put on the right care period)."""
    if raw or instance.pk is None:
        return
    # The base manager: the row itself, whatever scope the save runs in.
    before = (
        sender._base_manager.filter(pk=instance.pk).values_list("care_period_id", flat=True).first()
    )
    setattr(instance, _CARE_PERIOD_BEFORE, before)


@receiver(post_save, sender=ReviewPolicyVersion, dispatch_uid="planning-policy-saved")
def plan_after_policy_change(sender: Any, instance: ReviewPolicyVersion, **kwargs: Any) -> None:
    start_job(Job.Kind.REPLAN, instance.authority_id, arguments={"all_open": True})
