"""Sibling groups: the import's, and those typed in on the child's page (``models``).

``group_in_use`` is the precedence rule for one child: the case recording system's group
where it gives one, else the one typed in here. ``members`` lists a group's children
(the authority's in scope) by that rule; ``with_entered_sibling_groups`` adds the groups
typed in to the records' children table, so every journeys frame (the aims read per
sibling group, docs/aims.md) sees them; ``AddSiblingForm`` records a brother or sister.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import polars as pl
from django import forms
from django.db.models import Q

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import User
from permanence.web.children.models import GROUP_LENGTH, EnteredSiblingGroup
from permanence.web.records.models import Child

GROUP_COLUMN = "sibling_group"


@dataclass(frozen=True)
class Member:
    """A child of a sibling group, and whether the group was typed in here for them
    (``entered``, which can be removed here) or comes from the import."""

    child: Child
    entered: EnteredSiblingGroup | None


def entered_group_of(child: Child) -> EnteredSiblingGroup | None:
    return EnteredSiblingGroup.objects.filter(child=child).first()


def group_in_use(child: Child, entered: EnteredSiblingGroup | None = None) -> str:
    """The child's sibling group: the import's if it gives one, else the one typed in."""
    if child.sibling_group:
        return child.sibling_group
    entered = entered if entered is not None else entered_group_of(child)
    return entered.group if entered is not None else ""


def members(group: str) -> list[Member]:
    """The children of the authority in scope whose group in use is ``group``."""
    if not group:
        return []
    entered = {
        row.child_id: row
        for row in EnteredSiblingGroup.objects.filter(
            Q(group=group) | Q(child__sibling_group=group)
        )
    }
    children = Child.objects.filter(
        Q(sibling_group=group) | Q(sibling_group="", pk__in=list(entered))
    ).order_by("child_ref")
    found = []
    for child in children:
        typed = entered.get(child.pk)
        if group_in_use(child, typed) == group:
            found.append(Member(child, typed if not child.sibling_group else None))
    return found


def with_entered_sibling_groups(
    tables: JourneyTables, period_ids: Iterable[int] | None = None
) -> JourneyTables:
    """``tables`` with each child's group typed in here where the import gives none (the
    import's wins where it gives one). Nothing is written to the records."""
    groups = dict(EnteredSiblingGroup.objects.values_list("child__child_ref", "group"))
    if not groups:
        return tables
    children = tables.children.with_columns(
        pl.coalesce(
            pl.col(GROUP_COLUMN),
            pl.col("child_ref").replace_strict(groups, default=None, return_dtype=pl.String),
        ).alias(GROUP_COLUMN)
    )
    return replace(tables, children=children)


class AddSiblingForm(forms.Form):
    """A brother or sister of the child, by their reference: another child of the same
    authority, put in the child's group (or the child in theirs). Checked as the import
    checks a group: a reference of the authority's, and a group of at most 64 characters."""

    reference = forms.CharField(
        label="The brother's or sister's reference",
        max_length=64,
        help_text="Their reference in the case recording system, exactly as it is held.",
    )

    def __init__(self, *args: object, child: Child, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.child = child

    def clean_reference(self) -> Child:
        reference: str = self.cleaned_data["reference"].strip()
        other = Child.objects.filter(child_ref=reference).first()  # the authority's only
        if other is None:
            raise forms.ValidationError(
                f"No child of your authority has the reference {reference}."
            )
        if other.pk == self.child.pk:
            raise forms.ValidationError("Give the reference of another child, not this one.")
        mine, theirs = group_in_use(self.child), group_in_use(other)
        if mine and theirs and mine != theirs:
            raise forms.ValidationError(
                f"Child {other.child_ref} is already in sibling group {theirs}: remove them "
                "from it first (a group from the case recording system is changed there)."
            )
        return other

    def save(self, user: User) -> str:
        """Put both children in one group, typed in here; the group's name."""
        other: Child = self.cleaned_data["reference"]
        group = (
            group_in_use(self.child)
            or group_in_use(other)
            or f"{self.child.child_ref} and siblings"[:GROUP_LENGTH]
        )
        for child in (self.child, other):
            if group_in_use(child) != group:
                EnteredSiblingGroup.objects.update_or_create(
                    child=child,
                    defaults={
                        "authority_id": child.authority_id,
                        "group": group,
                        "entered_by": user,
                    },
                )
        return group
