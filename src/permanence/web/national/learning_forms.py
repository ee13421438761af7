"""Forms of the library across authorities, progress scores and advisers' access. Each
renders through the project's one form renderer (``kernel/forms.py``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django import forms
from django.utils import timezone

from permanence.web.improvement.models import ChangeIdea, Driver, ImprovementProject, Measure
from permanence.web.national.learning import (
    MAX_TEMPLATE_BYTES,
    TEMPLATE_TYPES,
    Curation,
    MeasureNotShareable,
    measure_chart,
    national_advisers,
)
from permanence.web.national.models import (
    STAGE_CHOICES,
    AdviserGrant,
    ProjectProgress,
    SharedChangeIdea,
)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TemplateFileField(forms.FileField):
    """A template document: a known kind of document, no larger than 5 MB."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None:
            return None
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in TEMPLATE_TYPES:
            raise forms.ValidationError(
                "Choose a document: " + ", ".join(sorted(TEMPLATE_TYPES)) + "."
            )
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError("The file must be no larger than 5 MB.")
        return upload


def read_upload(upload: Any) -> tuple[str, str, bytes]:
    suffix = PurePath(upload.name).suffix.lower()
    return PurePath(upload.name).name, TEMPLATE_TYPES[suffix], upload.read()


class PublishForm(forms.Form):
    change_idea = forms.ModelChoiceField(
        ChangeIdea._base_manager.none(),
        label="Change idea",
        help_text="It is published as it stands now, with what each of its PDSA cycles "
        "tested, learned and decided. Check that no text names or describes a child.",
    )
    stage = forms.ChoiceField(
        label="Stage of the journey it works on",
        choices=[("", "Not one stage"), *STAGE_CHOICES],
        required=False,
    )
    measure = forms.ModelChoiceField(
        Measure._base_manager.none(),
        label="Measure whose chart to share",
        required=False,
        help_text="A percentage or a count by month, entered by hand or worked out from the "
        "children's records; each month is shared under disclosure control (a count from 1 "
        "to 4 shows as c). A measure of one point per child is never shared.",
    )
    template = TemplateFileField(
        label="A template file (an agenda, a letter, a checklist)",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument or text; up to 5 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = ChangeIdea.objects.select_related(  # type: ignore[attr-defined]
            "project"
        ).order_by("project__title", "title")
        self.fields["measure"].queryset = Measure.objects.select_related("project").order_by(  # type: ignore[attr-defined]
            "project__title", "title"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        idea, measure = data.get("change_idea"), data.get("measure")
        if idea is not None and measure is not None and measure.project_id != idea.project_id:
            self.add_error("measure", "Choose a measure of the change idea's own project.")
        elif measure is not None:
            try:
                measure_chart(measure)
            except MeasureNotShareable as refused:
                self.add_error("measure", str(refused))
        return data


class AddFileForm(forms.Form):
    template = TemplateFileField(
        label="A template file (an agenda, a letter, a checklist)",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument or text; up to 5 MB.",
    )


class AdoptForm(forms.Form):
    project = forms.ModelChoiceField(
        ImprovementProject._base_manager.none(), label="Into which of your projects"
    )
    driver = forms.ModelChoiceField(
        Driver._base_manager.none(),
        label="The secondary driver it works on",
        required=False,
        help_text="One of that project's secondary drivers; leave it to place it later.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = ImprovementProject.objects.order_by("title")  # type: ignore[attr-defined]
        self.fields["driver"].queryset = Driver.objects.filter(  # type: ignore[attr-defined]
            parent__isnull=False
        ).select_related("project")
        self.fields["driver"].label_from_instance = (  # type: ignore[attr-defined]
            lambda driver: f"{driver.project}: {driver.text}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        project, driver = data.get("project"), data.get("driver")
        if project is not None and driver is not None and driver.project_id != project.pk:
            self.add_error("driver", "Choose a secondary driver of that project.")
        return data


class CurateForm(forms.Form):
    action = forms.ChoiceField(
        label="What to do",
        widget=forms.RadioSelect,
        choices=[
            (Curation.FEATURE, "Feature it at the top of the library"),
            (Curation.UNFEATURE, "Stop featuring it"),
            (Curation.MERGE, "Merge it into another idea (a duplicate)"),
            (Curation.RETIRE, "Retire it from the library's list"),
            (Curation.RESTORE, "Restore it to the list"),
        ],
    )
    into = forms.ModelChoiceField(
        SharedChangeIdea.everywhere.none(),
        label="Merge into",
        required=False,
    )
    note = forms.CharField(label="Why (for the record)", max_length=300, required=False)

    def __init__(self, *args: Any, others: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if others is not None:
            self.fields["into"].queryset = others  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == Curation.MERGE and data.get("into") is None:
            self.add_error("into", "Choose the idea to merge this one into.")
        return data


class ProgressForm(forms.ModelForm):  # type: ignore[type-arg]
    project = forms.ModelChoiceField(ImprovementProject._base_manager.none(), label="Project")

    class Meta:
        model = ProjectProgress
        fields = ["project", "phase", "score", "assessed_on", "note"]
        widgets = {"assessed_on": _date_widget()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = ImprovementProject.objects.order_by("title")  # type: ignore[attr-defined]


class GrantForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AdviserGrant
        fields = ["adviser", "starts_on", "ends_on", "reason"]
        widgets = {"starts_on": _date_widget(), "ends_on": _date_widget()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = national_advisers()  # type: ignore[attr-defined]
        self.fields["adviser"].label = "National adviser"
        self.fields["adviser"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.username
        )
        self.fields["ends_on"].initial = timezone.localdate() + timedelta(days=90)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends_on", "The access must end after it starts.")
        if ends is not None and ends > timezone.localdate() + timedelta(days=366):
            self.add_error("ends_on", "Grant access for a year at most; grant again later.")
        return data
