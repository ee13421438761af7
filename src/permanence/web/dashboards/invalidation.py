"""When the dashboards' cached pages go out of date: every change to an authority's
records or improvement record moves its data version on (see ``cache.py``).

- A record typed in, changed or deleted (a child, a care period, a placement, a legal
  status, a meeting, a milestone, a team): ``post_save`` / ``post_delete``, inside the
  transaction making the change, so the new version and the change become visible
  together (and both vanish if it rolls back).
- An import: the loader writes in bulk, which sends no per-row signal, and announces
  ``records_loaded`` once it has committed; the version moves on then.
- The improvement record (local aims, projects, PDSA cycles, change ideas): the aims
  and the marks on the charts come from it.
- An answer to a data query: a purposeful delay is ringed on the aim's run chart.
- The planning settings: the routes Aim 4 follows are the authority's choice.

Code that changes records with ``QuerySet.update`` or other bulk operations must send
``records_loaded`` (as the loader does) or call ``cache.bump`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from permanence.web.dashboards.cache import bump
from permanence.web.records.signals import records_loaded

_UID = "permanence.dashboards.invalidate"


def record_changed(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return  # fixtures being loaded: no dashboard has read them yet
    authority_id = getattr(instance, "authority_id", None)
    if authority_id is not None:
        bump(authority_id)


def records_imported(sender: Any, authority: Any, **kwargs: Any) -> None:
    bump(authority.pk)


def watched_models() -> list[type[Model]]:
    from permanence.web.accounts.models import Team
    from permanence.web.improvement.models import (
        ChangeIdea,
        ImprovementProject,
        LocalAim,
        PdsaCycle,
    )
    from permanence.web.planning.models import PlanningSettings
    from permanence.web.records.models import (
        CarePeriod,
        Child,
        LegalStatus,
        Meeting,
        Milestone,
        Placement,
        QueryAnswer,
    )

    return [
        Child,
        CarePeriod,
        Placement,
        LegalStatus,
        Meeting,
        Milestone,
        QueryAnswer,
        Team,
        LocalAim,
        ImprovementProject,
        PdsaCycle,
        ChangeIdea,
        PlanningSettings,
    ]


def connect() -> None:
    for model in watched_models():
        post_save.connect(
            record_changed, sender=model, dispatch_uid=f"{_UID}.save.{model.__name__}"
        )
        post_delete.connect(
            record_changed, sender=model, dispatch_uid=f"{_UID}.delete.{model.__name__}"
        )
    records_loaded.connect(records_imported, dispatch_uid=f"{_UID}.loaded")
