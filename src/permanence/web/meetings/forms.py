"""The forms for recording a meeting, its checklist, its actions and a decision. All
render through the one form renderer (``kernel.forms.DesignSystemRenderer``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from permanence.analysis.meetings import (
    ACTIONS_LOGGED,
    PERMANENCE_DISCUSSED,
    REVIEW_DATES_SET,
    SHIPPED_VERSION,
    AgendaItem,
    ItemState,
    MeetingKind,
    check_items,
    write_items,
)
from permanence.web.meetings.models import (
    AGENCY_CHOICES,
    DECISION_CHOICES,
    AgendaItemRecord,
    AgendaVersion,
    LocalMeetingKind,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.records.models import Child
from permanence.web.records.period_fields import PeriodChoice, date_widget, periods_of

#: The item keys the measures read (docs/meetings.md).
MEASURED_KEYS = frozenset({PERMANENCE_DISCUSSED, REVIEW_DATES_SET, ACTIONS_LOGGED})


class MeetingForm(forms.ModelForm):  # type: ignore[type-arg]
    """A planning meeting: which care period, what kind, when, who came."""

    care_period = PeriodChoice(queryset=None, label="Care period", empty_label=None)
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
        widgets = {"held_date": date_widget(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = periods_of(child)
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
        widgets = {"due_date": date_widget(), "done_on": date_widget()}
        help_texts = {"done_on": "Leave empty until it is done."}


class DecisionForm(forms.ModelForm):  # type: ignore[type-arg]
    care_period = PeriodChoice(queryset=None, label="Care period", empty_label=None)
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
            "decided_on": date_widget(),
            "look_again_on": date_widget(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = periods_of(child)
        self.fields["care_period"].queryset = periods  # type: ignore[attr-defined]
        if self.instance.pk is None and periods.exists():
            self.initial.setdefault("care_period", periods.first().pk)


# ---------------------------------------------------------------------------------------
# An authority's own version of an agenda


@dataclass(frozen=True)
class Group:
    """A group of fields the form template draws in a fieldset with its legend."""

    legend: str
    hint: str
    fields: list[forms.BoundField]


#: How many new items one version may add at once (save, then make another to add more).
NEW_ITEMS = 3


def new_key(words: str, taken: set[str]) -> str:
    """A key for a new item from its words: lower-case letters, digits and underscores,
    up to 40 characters, used once in the agenda."""
    base = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")[:36].strip("_") or "item"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


class AgendaForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new version of an agenda, from the one it follows: each item reworded, moved (its
    place in the order) or retired, and new items added. The items become the version's
    ``items`` (``key: words``), checked as the administration site checks them."""

    class Meta:
        model = AgendaVersion
        fields = ["name", "effective_from"]
        widgets = {"effective_from": date_widget()}
        help_texts = {
            "effective_from": "Meetings held from this day follow it. Meetings already "
            "recorded keep the items they were written with."
        }

    def __init__(self, *args: Any, follows: Sequence[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.follows = list(follows)
        for number, item in enumerate(self.follows, start=1):
            measured = (
                " The measures read this item: keep it (reworded if need be) while it keeps "
                "its meaning."
                if item.key in MEASURED_KEYS
                else ""
            )
            self.fields[f"words_{number}"] = forms.CharField(
                label=f"Item {number}: its words",
                initial=item.text,
                max_length=300,
                required=False,
                help_text=f"Now: “{item.text}”.{measured}",
            )
            self.fields[f"place_{number}"] = forms.IntegerField(
                label=f"Item {number}: its place in the order",
                initial=number,
                min_value=1,
                max_value=99,
            )
            self.fields[f"retire_{number}"] = forms.BooleanField(
                label=f"Retire item {number}: meetings from the date above no longer have it",
                required=False,
            )
        for extra in range(1, NEW_ITEMS + 1):
            self.fields[f"new_{extra}"] = forms.CharField(
                label=f"New item {extra}: its words",
                max_length=300,
                required=False,
            )
            self.fields[f"new_place_{extra}"] = forms.IntegerField(
                label=f"New item {extra}: its place in the order",
                initial=len(self.follows) + extra,
                min_value=1,
                max_value=99,
                required=False,
            )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = AgendaVersion.objects.filter(
            kind=self.instance.kind, local_kind=self.instance.local_kind, name__iexact=name
        )
        if name.lower() == SHIPPED_VERSION.lower() or others.exists():
            raise forms.ValidationError(
                "Another version of this agenda has this name: each meeting says which "
                "version it followed by its name."
            )
        return name

    def fieldsets(self) -> list[Group]:
        groups = [Group("", "", [self["name"], self["effective_from"]])]
        for number, item in enumerate(self.follows, start=1):
            names = (f"words_{number}", f"place_{number}", f"retire_{number}")
            groups.append(Group(f"Item {number}", f"Key: {item.key}", [self[n] for n in names]))
        groups.append(
            Group(
                "New items (optional)",
                "Leave empty to add none. To add more than three, save and make another version.",
                [
                    self[name]
                    for extra in range(1, NEW_ITEMS + 1)
                    for name in (f"new_{extra}", f"new_place_{extra}")
                ],
            )
        )
        return groups

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Until the items are worked out (and if they cannot be), the model's own checks
        # read the agenda it follows, so they report only on what this form shows.
        self.instance.items = write_items(self.follows)
        placed: list[tuple[int, int, AgendaItem]] = []
        for number, item in enumerate(self.follows, start=1):
            if cleaned.get(f"retire_{number}"):
                continue
            words = (cleaned.get(f"words_{number}") or "").strip()
            if not words:
                self.add_error(f"words_{number}", "Give the item's words, or retire it.")
                continue
            place = cleaned.get(f"place_{number}") or number
            placed.append((place, number, AgendaItem(item.key, words)))
        taken = {item.key for item in self.follows}
        for extra in range(1, NEW_ITEMS + 1):
            words = (cleaned.get(f"new_{extra}") or "").strip()
            if not words:
                continue
            key = new_key(words, taken)
            taken.add(key)
            place = cleaned.get(f"new_place_{extra}") or len(self.follows) + extra
            placed.append((place, len(self.follows) + extra, AgendaItem(key, words)))
        if self.errors:
            return cleaned
        # In the order of the places given; an item moved to a place goes before the
        # item already there.
        items = [item for _, _, item in sorted(placed, key=lambda p: (p[0], p[0] == p[1], p[1]))]
        try:
            check_items(items)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        self.instance.items = write_items(items)
        return cleaned
