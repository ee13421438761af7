"""The records' change history, reached through the same authority scope as the records.

django-simple-history keeps a copy of each record at every change, including records
that have since been deleted. Its history manager would otherwise answer for every
authority, so it is given the scope here like every other manager of child-level data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from simple_history.manager import HistoryManager

from permanence.web.tenancy.scope import scope_queryset


class ScopedHistoryManager(HistoryManager):  # type: ignore[misc]
    def get_super_queryset(self) -> QuerySet[Any]:
        return scope_queryset(super().get_super_queryset())
