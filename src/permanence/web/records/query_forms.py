"""The forms a data lead answers a data query and decides on a record no longer in the
extract with: Django forms, drawn by the one form renderer (``DesignSystemRenderer``)
like every other form, one per row of a list.

Each row's form has its own ids (``auto_id``) but the names the views read (``note``,
``next``; ``rule``, ``care_period``, ``kind``, ``reason``), so a page with many rows has
no two controls with one id and every form posts what it always posted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from permanence.web.records.data_queries import ChildQuery
from permanence.web.records.models import AbsentRecord, QueryAnswer


class DecisionForm(forms.Form):
    """Keep or remove a record no longer in the extract, with why."""

    note = forms.CharField(label="Why", required=False, max_length=1000)
    # Where to return to (a child's journey, say); the view never leaves the site.
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    """Answer a data query (or change the answer), with a reason."""

    rule = forms.CharField(max_length=16, widget=forms.HiddenInput)
    care_period = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Answer", choices=QueryAnswer.Kind.choices)
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        help_text='For example "sibling assessment" or "date confirmed with the team".',
    )


@dataclass(frozen=True)
class AbsentRow:
    """A record no longer in the extract, with its keep and remove forms."""

    absence: AbsentRecord
    keep: DecisionForm
    remove: DecisionForm


@dataclass(frozen=True)
class QueryRow:
    """A data query with its answer form (None for those who may not answer)."""

    query: ChildQuery
    form: AnswerForm | None


def absent_row(absence: AbsentRecord, *, back_to: str = "", where: str = "") -> AbsentRow:
    """``absence`` with its two forms; ``back_to`` is the page to return to, ``where``
    tells the ids of one list from another's."""

    def form(action: str, label: str) -> DecisionForm:
        made = DecisionForm(auto_id=f"{action}{where}-{absence.pk}-%s", initial={"next": back_to})
        made.fields["note"].label = label
        return made

    return AbsentRow(absence, form("keep", "Why keep it"), form("remove", "Why remove it"))


def query_row(query: ChildQuery, number: int, *, can_answer: bool) -> QueryRow:
    """``query`` with its answer form, filled with the answer given if there is one. A
    purposeful delay is offered only on a query about a wait."""
    if not can_answer:
        return QueryRow(query, None)
    answer = query.answer
    form = AnswerForm(
        auto_id=f"answer-{number}-%s",
        initial={
            "rule": query.issue.rule,
            "care_period": query.care_period.pk if query.care_period else None,
            "kind": answer.kind if answer else None,
            "reason": answer.reason if answer else "",
        },
    )
    kind = form.fields["kind"]
    assert isinstance(kind, forms.ChoiceField)
    kind.choices = [
        (value, label)
        for value, label in QueryAnswer.Kind.choices
        if value != QueryAnswer.Kind.PURPOSEFUL_DELAY or query.can_be_a_delay
    ]
    kind.label = "Change the answer" if answer else "Answer"
    return QueryRow(query, form)
