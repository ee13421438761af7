"""The forms for recording a meeting, its checklist, its actions and a decision. All
render through the one form renderer (``kernel.forms.DesignSystemRenderer``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from permanence.analysis.meetings import ItemState, MeetingKind
from permanence.web.meetings.models import (
    AGENCY_CHOICES,
    DECISION_CHOICES,
    AgendaItemRecord,
    LocalMeetingKind,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.records.models import CarePeriod, Child


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _period_label(period: CarePeriod) -> str:
    ended = f" to {period.period_end:%d %B %Y}" if period.period_end else ""
    return f"Care period from {period.period_start:%d %B %Y}{ended}"


class _PeriodChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _period_label(obj)


def _periods_of(child: Child) -> Any:
    return CarePeriod.objects.filter(child=child).order_by("-period_start")


class MeetingForm(forms.ModelForm):  # type: ignore[type-arg]
    """A planning meeting: which care period, what kind, when, who came."""

    care_period = _PeriodChoice(queryset=None, label="Care period", empty_label=None)
    kind_choice = forms.ChoiceField(label="Kind of meeting", widget=forms.RadioSelect)
    attended = forms.MultipleChoiceField(
        label="Who attended",
        choices=AGENCY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick everyone who came, by agency.",
    )

    class Meta:
        model = PlanningMeeting
        fields = ["care_period", "held_date", "attended", "notes"]
        widgets = {"held_date": _date_widget(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = _periods_of(child)
        self.fields["care_period"].queryset = periods  # type: ignore[attr-defined]
        choices = [
            (MeetingKind.PLANNING_72H.value, MeetingKind.PLANNING_72H.label),
            (MeetingKind.PLANNING_2WK.value, MeetingKind.PLANNING_2WK.label),
        ]
        choices += [(f"local_{kind.pk}", kind.name) for kind in LocalMeetingKind.objects.all()]
        self.fields["kind_choice"].choices = choices  # type: ignore[attr-defined]
        instance = self.instance
        if instance.pk is not None:
            # The kind sets the agenda; it is not changed once the checklist is written.
            del self.fields["kind_choice"]
            del self.fields["care_period"]
        elif periods.exists():
            self.initial.setdefault("care_period", periods.first().pk)
        self.order_fields(["care_period", "kind_choice", "held_date", "attended", "notes"])

    def clean_kind_choice(self) -> str:
        value: str = self.cleaned_data["kind_choice"]
        if value.startswith("local_"):
            local = LocalMeetingKind.objects.filter(pk=value.removeprefix("local_")).first()
            if local is None:
                raise forms.ValidationError("Choose a kind of meeting from the list.")
            self.instance.kind = MeetingKind.LOCAL.value
            self.instance.local_kind = local
        else:
            self.instance.kind = value
            self.instance.local_kind = None
        return value


class ChecklistForm(forms.Form):
    """A meeting's agenda as a checklist: each item done, not done or not applicable (with
    the reason)."""

    STATES = [
        (ItemState.DONE.value, ItemState.DONE.label),
        (ItemState.NOT_DONE.value, ItemState.NOT_DONE.label),
        (ItemState.NOT_APPLICABLE.value, ItemState.NOT_APPLICABLE.label),
    ]

    def __init__(self, data: Any, *, items: Sequence[AgendaItemRecord]) -> None:
        super().__init__(data)
        self.items = list(items)
        for number, item in enumerate(self.items, start=1):
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{number}. {item.text}",
                choices=self.STATES,
                widget=forms.RadioSelect,
                required=False,
                initial=item.state or None,
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=f"Why item {number} does not apply",
                required=False,
                initial=item.reason,
                max_length=300,
                help_text="Only when it does not apply.",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for item in self.items:
            state = cleaned.get(f"item_{item.pk}")
            if (
                state == ItemState.NOT_APPLICABLE
                and not cleaned.get(f"reason_{item.pk}", "").strip()
            ):
                self.add_error(f"reason_{item.pk}", "Say why this item does not apply.")
        return cleaned

    def save(self) -> int:
        """Write each changed item (its history keeps the change); how many changed."""
        changed = 0
        for item in self.items:
            state = self.cleaned_data.get(f"item_{item.pk}") or ""
            reason = self.cleaned_data.get(f"reason_{item.pk}", "").strip()
            if state != ItemState.NOT_APPLICABLE:
                reason = ""
            if (item.state, item.reason) != (state, reason):
                item.state, item.reason = state, reason
                item.save()
                changed += 1
        return changed


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MeetingAction
        fields = ["what", "owner", "due_date", "done_on"]
        widgets = {"due_date": _date_widget(), "done_on": _date_widget()}
        help_texts = {"done_on": "Leave empty until it is done."}


class DecisionForm(forms.ModelForm):  # type: ignore[type-arg]
    care_period = _PeriodChoice(queryset=None, label="Care period", empty_label=None)
    kind = forms.ChoiceField(label="Decision", choices=DECISION_CHOICES, widget=forms.RadioSelect)

    class Meta:
        model = PlanDecision
        fields = [
            "care_period",
            "kind",
            "decided_on",
            "decided_by",
            "reason",
            "look_again_on",
            "written",
        ]
        widgets = {
            "decided_on": _date_widget(),
            "look_again_on": _date_widget(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = _periods_of(child)
        self.fields["care_period"].queryset = periods  # type: ignore[attr-defined]
        if self.instance.pk is None and periods.exists():
            self.initial.setdefault("care_period", periods.first().pk)
