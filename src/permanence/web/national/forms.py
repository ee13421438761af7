"""The sharing page's form: what an authority's administrator decides to share. It renders
through the project's one form renderer (``kernel/forms.py``), like every other form."""

from __future__ import annotations

from typing import Any

from django import forms

from permanence.analysis.benchmarking import SECTION_LABELS, Section


class SharingForm(forms.Form):
    """Which sections of figures, and whether what the authority learns, are shared."""

    sections = forms.MultipleChoiceField(
        label="What your authority shares",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Figures only, under disclosure control. Leave every box empty to share "
        "no figures.",
    )
    learning = forms.BooleanField(
        label="What we learn: change ideas in the library across Scotland, and our "
        "projects' phases and progress scores",
        required=False,
        help_text="Without this, nothing of your authority's shows in the library or in the "
        "progress across authorities, and nothing can be published. Withdrawing it takes "
        "everything published out at once.",
    )
    note = forms.CharField(label="Why (for the record)", required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = self.fields["sections"]
        assert isinstance(sections, forms.MultipleChoiceField)
        sections.choices = [(section.value, SECTION_LABELS[section]) for section in Section]

    def chosen_sections(self) -> list[Section]:
        return [Section(value) for value in self.cleaned_data["sections"]]
