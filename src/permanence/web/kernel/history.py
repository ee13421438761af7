"""The records' change history, reached through the same authority scope as the records.

django-simple-history keeps a copy of each record at every change, including records
that have since been deleted. A historical model is reached two ways: through the
record's ``history`` manager (``Child.history``), and through the historical model's own
default manager (``HistoricalChild.objects``, which Django's generic lookups such as
``get_object_or_404`` and the admin's history pages use). Both are given the scope here,
like every other manager of child-level data: a version of another authority's record is
as unreachable as the record itself.

Every model with a history declares it with ``ScopedHistoricalRecords()``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from permanence.web.kernel.scope import AuthorityScopedManager, scope_queryset


class ScopedHistoryManager(HistoryManager):  # type: ignore[misc]
    def get_super_queryset(self) -> QuerySet[Any]:
        return scope_queryset(super().get_super_queryset())


class ScopedHistoricalModel(models.Model):
    """The base of every historical model: its default manager is the authority scope."""

    objects = AuthorityScopedManager["ScopedHistoricalModel"]()

    class Meta:
        abstract = True


class ScopedHistoricalRecords(HistoricalRecords):  # type: ignore[misc]
    """``HistoricalRecords`` whose versions are reached only through the authority scope."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("history_manager", ScopedHistoryManager)
        options.setdefault("bases", (ScopedHistoricalModel,))
        super().__init__(**options)
