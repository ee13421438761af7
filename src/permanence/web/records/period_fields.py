"""Form pieces for a record typed on a child's pages: which of the child's care periods it
belongs to, and a date picker. Shared by the planning meetings' forms and the milestone
form, so both ask the same way."""

from __future__ import annotations

from typing import Any

from django import forms

from permanence.web.records.models import CarePeriod, Child


def date_widget() -> forms.DateInput:
    """The browser's own date picker, sending an ISO date."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def period_label(period: CarePeriod) -> str:
    ended = f" to {period.period_end:%d %B %Y}" if period.period_end else ""
    return f"Care period from {period.period_start:%d %B %Y}{ended}"


class PeriodChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of care period, each named by its dates."""

    def label_from_instance(self, obj: Any) -> str:
        return period_label(obj)


def periods_of(child: Child) -> Any:
    """The child's care periods, the latest first (in the current authority's scope)."""
    return CarePeriod.objects.filter(child=child).order_by("-period_start")
