"""The form for a milestone typed on a child's journey page, checked by the import's rules
(``journey.milestone_rules``). It renders through the one form renderer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from permanence.journey.meeting_rules import DecisionKind
from permanence.journey.milestone_rules import milestone_problems
from permanence.journey.vocabulary import MilestoneKind
from permanence.web.records.models import Child, Milestone
from permanence.web.records.period_fields import PeriodChoice, date_widget, periods_of

ENTERED_KINDS: tuple[MilestoneKind, ...] = tuple(
    kind for kind in MilestoneKind if kind.value not in {d.value for d in DecisionKind}
)
"""The milestones typed here. The decisions that shape a plan are typed on the child's
meetings page (docs/meetings.md), where their own rules are asked."""


def _detail_choices() -> list[tuple[str, Any]]:
    """The details, grouped by the milestones they belong to (one list: a browser shows
    each group under its heading; the rules say which group a milestone needs)."""
    groups: dict[type, list[str]] = {}
    for kind in ENTERED_KINDS:
        vocabulary = kind.detail_vocabulary
        if vocabulary is not None:
            groups.setdefault(vocabulary, []).append(kind.label.lower())
    choices: list[tuple[str, Any]] = [("", "None (the milestone has no detail)")]
    for vocabulary, kinds in groups.items():
        heading = "For the " + " or the ".join(kinds)
        choices.append((heading, vocabulary.choices()))
    return choices


class MilestoneForm(forms.ModelForm):  # type: ignore[type-arg]
    care_period = PeriodChoice(queryset=None, label="Care period", empty_label=None)
    milestone = forms.ChoiceField(
        label="Milestone", choices=[(kind.value, kind.label) for kind in ENTERED_KINDS]
    )
    detail = forms.ChoiceField(
        label="Detail",
        required=False,
        choices=_detail_choices,
        help_text="The route a recommendation names, the agency decision maker's outcome, or "
        "the order applied for or granted.",
    )

    class Meta:
        model = Milestone
        fields = ["care_period", "milestone", "date", "detail", "reason"]
        widgets = {"date": date_widget(), "reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"reason": "Needed for a decision reversed: why it was reversed."}

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        periods = periods_of(child)
        self.fields["care_period"].queryset = periods  # type: ignore[attr-defined]
        if self.instance.pk is None and periods.exists():
            self.initial.setdefault("care_period", periods.first().pk)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        period, kind, on = (cleaned.get(name) for name in ("care_period", "milestone", "date"))
        if period is None or kind is None or on is None:
            return cleaned
        others = (
            Milestone.objects.filter(care_period=period)
            .exclude(pk=self.instance.pk)
            .values_list("milestone", "date")
        )
        problems = milestone_problems(
            MilestoneKind(kind),
            on,
            detail=cleaned.get("detail") or "",
            reason=cleaned.get("reason") or "",
            period_start=period.period_start,
            period_end=period.period_end,
            date_of_birth=self.child.date_of_birth,
            today=timezone.localdate(),
            others=[
                (MilestoneKind(code), day) for code, day in others if code in MilestoneKind.codes()
            ],
        )
        for problem in problems:
            self.add_error(problem.field, problem.message)
        return cleaned
