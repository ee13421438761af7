"""The improvement record's forms.

Every form renders through the project's one form renderer (``kernel/forms.py``): an
error summary at the top linking to each field with an error, a label on every field,
hints and errors tied to their fields, radio and checkbox groups in a fieldset with a
legend, all in the Design System's markup. Forms group their fields with ``fieldsets``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from permanence.analysis.aims import AIM_TEMPLATES, local_aim
from permanence.analysis.measure_aims import measure_aim_statement
from permanence.journey.vocabulary import AgeBand, PlacementType, Route
from permanence.web.accounts.models import Team
from permanence.web.improvement.models import (
    AIM_SOURCES,
    END_CHOICES,
    MEASURE_AIM_MESSAGE,
    MEASURE_TEMPLATE,
    NATIONAL_AIM_CHOICES,
    OWN_TEMPLATE,
    PROJECT_AIM_MESSAGE,
    RATING_FIELDS,
    START_CHOICES,
    Agency,
    ChampionsGroupMember,
    ChangeIdea,
    Driver,
    Feedback,
    GroupAction,
    GroupMeeting,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureSource,
    MeasureValue,
    PdsaCycle,
    Risk,
)
from permanence.web.improvement.process_measures import (
    process_measure_choices,
    process_measure_title,
)
from permanence.web.records.models import Child


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass(frozen=True)
class Fieldset:
    legend: str
    hint: str
    fields: list[forms.BoundField]


class RecordForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that groups its fields and never shows the same error twice.

    The model and the form both enforce some rules (closing a PDSA cycle, above all), so
    both may report the same sentence; it is shown once.
    """

    fieldsets_spec: ClassVar[Sequence[tuple[str, str, Sequence[str]]]] = ()
    #: Model fields the form shows under another name (an error on the first shows on the
    #: second).
    error_aliases: ClassVar[dict[str, str]] = {}

    def fieldsets(self) -> list[Fieldset]:
        named = {name for _, _, names in self.fieldsets_spec for name in names}
        groups = [
            Fieldset(legend, hint, [self[name] for name in names if name in self.fields])
            for legend, hint, names in self.fieldsets_spec
        ]
        rest = [self[name] for name in self.fields if name not in named]
        if rest:
            groups.insert(0, Fieldset("", "", rest))
        return [group for group in groups if group.fields]

    def add_error(self, field: str | None, error: Any) -> None:
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self._add_new(None if name == NON_FIELD_ERRORS else name, errors)
            return
        self._add_new(field, error.error_list)

    def _add_new(self, field: str | None, errors: list[ValidationError]) -> None:
        if field is not None:
            field = self.error_aliases.get(field, field)
            if field not in self.fields:
                field = None  # a model rule about a field this form does not show
        key = field or NON_FIELD_ERRORS
        existing = getattr(self, "_errors", None) or {}
        shown = {str(message) for message in existing.get(key, [])}
        fresh = [e for e in errors if not all(str(m) in shown for m in e)]
        if fresh:
            super().add_error(field, fresh)
        elif field is not None and field in getattr(self, "cleaned_data", {}):
            del self.cleaned_data[field]


# ---------------------------------------------------------------------------------------
# Aims


def _aim_choices(clocks_only: bool = False) -> list[tuple[str, str]]:
    aims = LocalAim.objects.all()
    if clocks_only:
        # A measure reading an aim reads its clock; an aim on a process measure has none.
        aims = aims.filter(measure="")
    local = [(f"local:{aim.pk}", f"Local aim: {aim.title}") for aim in aims]
    national = [(f"national:{key}", label) for key, label in NATIONAL_AIM_CHOICES]
    return [("", "Choose an aim"), *national, *local]


def _split_aim(value: str) -> tuple[str, LocalAim | None]:
    kind, _, key = value.partition(":")
    if kind == "local":
        return "", LocalAim.objects.get(pk=int(key))
    return key, None


def _aim_value(national_aim: str, local_aim_id: int | None) -> str:
    if local_aim_id is not None:
        return f"local:{local_aim_id}"
    return f"national:{national_aim}" if national_aim else ""


class AimChoiceMixin:
    """One "aim" field standing for the model's ``national_aim`` and ``local_aim``."""

    error_aliases: ClassVar[dict[str, str]] = {"national_aim": "aim", "local_aim": "aim"}
    aim_message: ClassVar[str] = ""
    clock_aims_only: ClassVar[bool] = False

    def _init_aim(self, required: bool = True) -> None:
        form: Any = self
        form.fields["aim"] = forms.ChoiceField(
            label="Aim",
            choices=_aim_choices(self.clock_aims_only),
            required=required,
            error_messages={"required": self.aim_message},
        )
        instance = form.instance
        form.initial.setdefault("aim", _aim_value(instance.national_aim, instance.local_aim_id))

    def _apply_aim(self) -> None:
        form: Any = self
        value = form.cleaned_data.get("aim") or ""
        national, local = _split_aim(value) if value else ("", None)
        form.instance.national_aim = national
        form.instance.local_aim = local


def _multiple(choices: Iterable[tuple[str, str]], label: str, hint: str) -> forms.Field:
    return forms.MultipleChoiceField(
        label=label,
        choices=list(choices),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=hint,
    )


def _choose_process_measure(form: forms.BaseForm, name: str) -> None:
    """The form's process measure field offering the catalogue of the authority in scope
    (its own kinds of meeting included): a key outside it is refused."""
    field = form.fields[name]
    form.fields[name] = forms.ChoiceField(
        label=field.label,
        help_text=field.help_text,
        choices=process_measure_choices(),
        required=False,
    )


class LocalAimForm(RecordForm):
    template = forms.ChoiceField(
        label="Start from a PACE aim statement",
        choices=[
            *((template.id, template.statement) for template in AIM_TEMPLATES.values()),
            (OWN_TEMPLATE, "Write our own: choose when the clock starts and stops below"),
            (
                MEASURE_TEMPLATE,
                "A percentage on a process measure, such as “by March 2027, 90% of two-week "
                "planning meetings will set every review date”: choose the measure below",
            ),
        ],
        widget=forms.RadioSelect,
        help_text="The blanks are filled in with your figures and dates.",
    )

    fieldsets_spec = (
        ("The aim", "", ["title", "template", "target_percent", "start_on_or_after", "by_date"]),
        (
            "Timescale",
            "Leave both blank to use the template's timescale. Give one, not both.",
            ["target_weeks", "target_months"],
        ),
        (
            "Who is counted (optional)",
            "Leave these blank to count every child the aim's clock starts for.",
            ["age_bands", "placement_types", "routes", "teams"],
        ),
        (
            "Writing your own aim",
            "Only for “Write our own”: the templates set these themselves.",
            ["start_column", "end_column"],
        ),
        (
            "An aim on a process measure",
            "Only for “A percentage on a process measure”: it is measured each month from "
            "the records, from the month of the “from” date; the percentage above is the "
            "target each month.",
            ["measure"],
        ),
        ("The aim statement", "", ["statement"]),
    )

    class Meta:
        model = LocalAim
        fields = [
            "title",
            "template",
            "target_percent",
            "start_on_or_after",
            "by_date",
            "target_weeks",
            "target_months",
            "start_column",
            "end_column",
            "measure",
            "statement",
        ]
        widgets = {
            "start_on_or_after": _date_widget(),
            "by_date": _date_widget(),
            "statement": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_column"] = forms.ChoiceField(
            label="The clock starts for children",
            choices=[("", "Choose"), *START_CHOICES],
            required=False,
        )
        self.fields["end_column"] = forms.ChoiceField(
            label="The clock stops at", choices=[("", "Choose"), *END_CHOICES], required=False
        )
        _choose_process_measure(self, "measure")
        self.fields["age_bands"] = _multiple(
            AgeBand.choices(), "Age when the clock started", "Any of these ages."
        )
        self.fields["placement_types"] = _multiple(
            PlacementType.choices(), "Where the child lives", "Any of these places."
        )
        self.fields["routes"] = _multiple(
            Route.choices(),
            "Route recommended",
            "Counts only children who already have a recommendation.",
        )
        teams = Team.objects.order_by("name").values_list("name", flat=True)
        self.fields["teams"] = _multiple(((t, t) for t in teams), "Team", "Any of these teams.")
        for name in ("age_bands", "placement_types", "routes", "teams"):
            self.initial.setdefault(name, getattr(self.instance, name) or [])
        self.order_fields([name for _, _, names in self.fieldsets_spec for name in names])

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        others = LocalAim.objects.filter(title__iexact=title).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("Your authority already has a local aim with this name.")
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        weeks, months = data.get("target_weeks"), data.get("target_months")
        if weeks and months:
            self.add_error("target_months", "Give the timescale in weeks or in months, not both.")
            return data
        if template == MEASURE_TEMPLATE:
            self._on_a_measure(data)
            return data
        data["measure"] = ""
        if template == OWN_TEMPLATE:
            for name in ("start_column", "end_column"):
                if not data.get(name):
                    self.add_error(name, "Choose this when writing your own aim.")
            if not (weeks or months):
                self.add_error("target_weeks", "Give the timescale in weeks or in months.")
            if not data.get("statement"):
                self.add_error("statement", "Write the aim statement.")
        elif template in AIM_TEMPLATES and not self.errors:
            self._fill_from_template(data)
        for name in ("age_bands", "placement_types", "routes", "teams"):
            setattr(self.instance, name, sorted(data.get(name) or []))
        return data

    def _on_a_measure(self, data: dict[str, Any]) -> None:
        """An aim on a process measure: no clock, no timescale, no one counted by who
        they are (the measures count meetings, decisions and actions)."""
        if data.get("target_weeks") or data.get("target_months"):
            self.add_error("target_weeks", "An aim on a process measure has no timescale.")
        if not data.get("measure"):
            self.add_error("measure", "Choose the process measure the aim follows.")
        data["start_column"] = data["end_column"] = ""
        for name in ("age_bands", "placement_types", "routes", "teams"):
            if data.get(name):
                self.add_error(
                    name, "An aim on a process measure counts everybody the measure counts."
                )
        for name in ("age_bands", "placement_types", "routes", "teams"):
            setattr(self.instance, name, [])
        if self.errors:
            return
        if not data.get("statement") and data.get("by_date") and data.get("target_percent"):
            data["statement"] = measure_aim_statement(
                process_measure_title(data["measure"]), data["target_percent"], data["by_date"]
            )

    def _fill_from_template(self, data: dict[str, Any]) -> None:
        """Start, stop, timescale and statement from the template, as the core fills them."""
        try:
            aim = local_aim(
                data["template"],
                id="local_new",
                title=data["title"],
                by_date=data["by_date"],
                start_on_or_after=data["start_on_or_after"],
                target_percent=data["target_percent"],
                target_weeks=data.get("target_weeks"),
                target_months=data.get("target_months"),
                statement=data.get("statement") or None,
            )
        except (KeyError, ValueError) as error:
            raise ValidationError(str(error).removeprefix("aim local_new: ").capitalize()) from None
        data["start_column"], data["end_column"] = aim.start_column, aim.end_column
        data["target_weeks"], data["target_months"] = aim.target_weeks, aim.target_months
        data["statement"] = aim.statement


# ---------------------------------------------------------------------------------------
# Projects and members


class ProjectForm(AimChoiceMixin, RecordForm):
    aim_message = PROJECT_AIM_MESSAGE
    fieldsets_spec = (
        ("What are we trying to accomplish?", "", ["title", "aim", "aim_statement"]),
        ("When and who", "", ["improvement_start", "governance_group"]),
    )

    class Meta:
        model = ImprovementProject
        fields = ["title", "aim_statement", "improvement_start", "governance_group"]
        widgets = {
            "improvement_start": _date_widget(),
            "aim_statement": forms.Textarea(attrs={"rows": 3}),
            "governance_group": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_aim()
        self.fields["aim"].help_text = (
            "A national PACE aim, or one of your local aims (add a local aim first if it is "
            "not listed)."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._apply_aim()
        return data


class MemberForm(RecordForm):
    class Meta:
        model = ChampionsGroupMember
        fields = ["name", "role_in_group", "agency", "agency_other"]


# ---------------------------------------------------------------------------------------
# The driver diagram


class PrimaryDriverForm(RecordForm):
    class Meta:
        model = Driver
        fields = ["text"]
        labels = {"text": "Primary driver"}
        help_texts = {"text": "Something that must change for the aim to be met."}


class SecondaryDriverForm(RecordForm):
    # Relations are declared with their choices set per request: a scoped manager cannot
    # be read when the form class is made, outside any authority scope.
    parent: forms.ModelChoiceField[Driver] = forms.ModelChoiceField(
        queryset=None, label="Primary driver", empty_label="Choose a primary driver"
    )

    class Meta:
        model = Driver
        fields = ["parent", "text"]
        labels = {"text": "Secondary driver"}
        help_texts = {"text": "A part of the system that drives the primary driver."}

    def __init__(self, *args: Any, project: ImprovementProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent: Any = self.fields["parent"]
        parent.queryset = Driver.objects.filter(project=project, parent__isnull=True)


class ChangeIdeaForm(RecordForm):
    drivers: forms.ModelMultipleChoiceField[Driver] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Secondary drivers it works on",
        help_text="The secondary drivers this change idea works on.",
    )

    class Meta:
        model = ChangeIdea
        fields = ["title", "description", "drivers", "implemented_from"]
        widgets = {
            "implemented_from": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, project: ImprovementProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        drivers: Any = self.fields["drivers"]
        drivers.queryset = Driver.objects.filter(project=project, parent__isnull=False)
        if self.instance.pk is None:
            del self.fields["implemented_from"]


# ---------------------------------------------------------------------------------------
# PDSA cycles


class CycleForm(RecordForm):
    """Planning a cycle, or editing one: the minimum record first, all else optional."""

    follows: forms.ModelChoiceField[PdsaCycle] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Follows cycle",
        empty_label="None: this is the first test, or a new line of tests",
        help_text="The earlier cycle of this change idea that this one builds on, if any.",
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Not recorded"
    )

    fieldsets_spec = (
        (
            "The minimum record",
            "What you hope the change will achieve, and when the test starts. Everything "
            "else on this page is optional: fill in what helps.",
            ["hoped_to_achieve", "started_on"],
        ),
        (
            "Plan",
            "",
            [
                "follows",
                "change_tested",
                "question",
                "prediction",
                "who",
                "what",
                "where",
                "planned_end",
                "data_to_collect",
            ],
        ),
        (
            "Conditions of the test",
            "Test across a wide range of conditions: the spread shows on the change idea's page.",
            ["team", "age_band", "locality"],
        ),
        ("Do", "", ["what_happened", "observations"]),
        ("Study", "", ["result_against_prediction", "learned"]),
        ("Act", "", ["next_steps", "decision"]),
    )

    class Meta:
        model = PdsaCycle
        fields = [
            "hoped_to_achieve",
            "started_on",
            "follows",
            "change_tested",
            "question",
            "prediction",
            "who",
            "what",
            "where",
            "planned_end",
            "data_to_collect",
            "team",
            "age_band",
            "locality",
            "what_happened",
            "observations",
            "result_against_prediction",
            "learned",
            "next_steps",
            "decision",
        ]
        widgets = {
            "started_on": _date_widget(),
            "planned_end": _date_widget(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "change_tested",
                    "question",
                    "prediction",
                    "who",
                    "what",
                    "where",
                    "data_to_collect",
                    "what_happened",
                    "observations",
                    "result_against_prediction",
                    "learned",
                    "next_steps",
                )
            },
            "hoped_to_achieve": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, change_idea: ChangeIdea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        follows: Any = self.fields["follows"]
        follows.queryset = PdsaCycle.objects.filter(change_idea=change_idea).exclude(
            pk=self.instance.pk
        )
        team: Any = self.fields["team"]
        team.queryset = Team.objects.order_by("name")
        self.fields["hoped_to_achieve"].help_text = (
            "For example: “Parents will understand the plan for their child by the end of the "
            "meeting.”"
        )
        if self.instance.closed_on is None:
            # A cycle is closed on its own page, where the rule is explained.
            del self.fields["decision"]
        self.initial.setdefault("started_on", timezone.localdate())


class CloseCycleForm(RecordForm):
    """Closing a cycle: what was learned and the next steps first."""

    #: Demanded by ``clean`` (in the model's words), so never labelled "(optional)".
    required_in_clean = ("hoped_to_achieve", "learned", "next_steps")

    fieldsets_spec = (
        (
            "The minimum record",
            "A cycle cannot be closed without these three.",
            ["hoped_to_achieve", "learned", "next_steps"],
        ),
        ("Act", "", ["decision", "closed_on"]),
        ("Study and do (optional)", "", ["result_against_prediction", "what_happened"]),
    )

    class Meta:
        model = PdsaCycle
        fields = [
            "hoped_to_achieve",
            "learned",
            "next_steps",
            "decision",
            "closed_on",
            "result_against_prediction",
            "what_happened",
        ]
        widgets = {
            "closed_on": _date_widget(),
            "decision": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "hoped_to_achieve",
                    "learned",
                    "next_steps",
                    "result_against_prediction",
                    "what_happened",
                )
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hoped_to_achieve"].required = False  # checked below, with the others
        closed_on = self.fields["closed_on"]
        closed_on.required = True
        closed_on.label = "Closed on (the act date)"
        if not self.initial.get("closed_on"):  # an open cycle's own value is None
            self.initial["closed_on"] = timezone.localdate()
        decision: Any = self.fields["decision"]
        decision.choices = [c for c in decision.choices if c[0]]
        decision.help_text = "Adopting the change marks it implemented from this date."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The form's own check, in the model's words; the model checks again on saving.
        provisional = PdsaCycle(
            hoped_to_achieve=data.get("hoped_to_achieve") or "",
            learned=data.get("learned") or "",
            next_steps=data.get("next_steps") or "",
        )
        errors = provisional.closing_errors()
        if errors:
            raise ValidationError(errors)
        return data


# ---------------------------------------------------------------------------------------
# Measures


#: A rate's exposure and its "per" (a U chart's areas of opportunity): kept apart so the
#: measure form's other choices can change without touching them.
RATE_FIELDS = ("exposure", "rate_per")
DEFAULT_RATE_PER = 100


class MeasureForm(AimChoiceMixin, RecordForm):
    aim_message = MEASURE_AIM_MESSAGE
    clock_aims_only = True
    fieldsets_spec = (
        ("The measure", "", ["kind", "title", "description"]),
        (
            "Defined against the data",
            "Fill in the part that goes with your choice of what it is defined against.",
            [
                "source",
                "aim",
                "period",
                "process_measure",
                "stage",
                "balancing_measure",
                "unit",
                *RATE_FIELDS,
                "better",
            ],
        ),
        ("The chart", "", ["chart", "rules"]),
    )

    class Meta:
        model = Measure
        fields = [
            "kind",
            "title",
            "description",
            "source",
            "period",
            "process_measure",
            "stage",
            "balancing_measure",
            "unit",
            *RATE_FIELDS,
            "better",
            "chart",
            "rules",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "source": forms.RadioSelect,
            "better": forms.RadioSelect,
            "chart": forms.RadioSelect,
            "rules": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_aim(required=False)
        self.fields["aim"].help_text = "For a measure defined against an aim."
        _choose_process_measure(self, "process_measure")
        self.fields["rate_per"].required = False  # only a rate reads it; 100 when left out
        for name in ("kind", "source", "chart", "rules"):
            field: Any = self.fields[name]
            field.choices = [c for c in field.choices if c[0]]
        self.order_fields([name for _, _, names in self.fieldsets_spec for name in names])

    def clean_rate_per(self) -> int:
        per: int | None = self.cleaned_data.get("rate_per")
        return per or DEFAULT_RATE_PER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") in AIM_SOURCES:
            if not data.get("aim"):
                self.add_error("aim", MEASURE_AIM_MESSAGE)
                return data
            self._apply_aim()
        else:
            self.instance.national_aim, self.instance.local_aim = "", None
        return data


def _rate_fields(form: forms.ModelForm[MeasureValue], measure: Measure) -> None:
    """A rate's month: the count of events and the exposure they happened over."""
    del form.fields["numerator"]
    exposure = measure.exposure or "units of exposure"
    form.fields["count"].required = True
    form.fields["count"].help_text = f"How many {measure.unit or 'events'} in the month."
    form.fields["denominator"].required = True
    form.fields["denominator"].label = f"Exposure ({exposure})"
    form.fields["denominator"].help_text = f"How many {exposure} the month's count happened over."


class MonthField(forms.DateField):
    """A month, typed as 2025-03 (the browser's month picker) or as a date."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%m/%Y"])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


def _month_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MeasureValueForm(RecordForm):
    month = MonthField(
        label="Month", widget=_month_widget(), help_text="For example 2025-03 for March 2025."
    )

    class Meta:
        model = MeasureValue
        fields = ["month", "numerator", "denominator", "count", "note"]

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        unit = measure.unit or "counted"
        if measure.source == MeasureSource.ENTERED_RATIO:
            del self.fields["count"]
            self.fields["numerator"].required = True
            self.fields["denominator"].required = True
            self.fields["numerator"].help_text = f"How many of them: {unit}."
            self.fields["denominator"].help_text = "How many there were in the month."
        elif measure.source == MeasureSource.ENTERED_RATE:
            _rate_fields(self, measure)
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["count"].required = True
            self.fields["count"].help_text = f"How many {unit} in the month."

    def clean_month(self) -> date:
        month: date = self.cleaned_data["month"]
        others = MeasureValue.objects.filter(measure=self.instance.measure, month=month)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                "This month already has a value: change it in the table below instead."
            )
        return month


# ---------------------------------------------------------------------------------------
# Feedback and risks

#: References shorter than this are not searched for in feedback: short codes turn up in
#: ordinary words and numbers.
SHORTEST_REFERENCE_CHECKED = 5


class FeedbackForm(RecordForm):
    month = MonthField(
        label="Month it was given",
        widget=_month_widget(),
        help_text="The month only, for example 2025-03: a day could point to a child.",
    )

    fieldsets_spec = (
        ("Who and when", "", ["giver", "point", "how_given", "month"]),
        (
            "How it felt to them",
            "From 1 (not at all) to 5 (completely). Leave a question blank if it was not "
            "asked or they did not want to say.",
            [name for name, _ in RATING_FIELDS],
        ),
        ("In their words", "", ["words"]),
    )

    class Meta:
        model = Feedback
        fields = [
            "giver",
            "point",
            "how_given",
            "month",
            *(name for name, _ in RATING_FIELDS),
            "words",
        ]
        widgets = {
            "giver": forms.RadioSelect,
            "how_given": forms.RadioSelect,
            **{name: forms.RadioSelect for name, _ in RATING_FIELDS},
            "words": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("giver", "how_given", *(n for n, _ in RATING_FIELDS)):
            field: Any = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]
        self.fields["words"].help_text = (
            "What they said, as they said it. Do not write a name, a reference, a date of "
            "birth or anything else that could identify a child or their family."
        )
        self.initial.setdefault("month", timezone.localdate().replace(day=1))

    def clean_words(self) -> str:
        """Refuse words holding one of the authority's child references."""
        words: str = self.cleaned_data.get("words") or ""
        if not words.strip():
            return words
        references = Child.objects.values_list("child_ref", flat=True)
        lowered = words.casefold()
        if any(
            len(ref) >= SHORTEST_REFERENCE_CHECKED and ref.casefold() in lowered
            for ref in references
        ):
            raise ValidationError(
                "These words contain a child's reference. Take it out: feedback must not "
                "identify a child."
            )
        return words


class RiskForm(RecordForm):
    fieldsets_spec = (
        ("The risk or issue", "", ["kind", "description", "owner"]),
        (
            "Rating",
            "The rating is likelihood times impact: 1 to 25.",
            ["likelihood", "impact"],
        ),
        ("Managing it", "", ["actions", "status", "raised_on", "reviewed_on"]),
    )

    class Meta:
        model = Risk
        fields = [
            "kind",
            "description",
            "owner",
            "likelihood",
            "impact",
            "actions",
            "status",
            "raised_on",
            "reviewed_on",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "likelihood": forms.RadioSelect,
            "impact": forms.RadioSelect,
            "status": forms.RadioSelect,
            "raised_on": _date_widget(),
            "reviewed_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "likelihood", "impact", "status"):
            field: Any = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]
        self.initial.setdefault("raised_on", timezone.localdate())


# ---------------------------------------------------------------------------------------
# The Champions' Group's own meetings


class GroupMeetingForm(RecordForm):
    """A Champions' Group meeting: its date, who came, the pack presented, the decisions.

    ``packs`` are the packs made in this service and still kept, as (token, words, date):
    choosing one links the meeting to it and dates the pack presented."""

    attended = forms.MultipleChoiceField(
        label="Who came",
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Each agency that was there.",
    )
    pack_token = forms.ChoiceField(
        label="The pack presented, if it was made here in the last week",
        required=False,
    )
    fieldsets_spec = (
        ("The meeting", "", ["held_on", "attended"]),
        (
            "The pack presented",
            "Choose the pack made here, or give the date of the pack presented.",
            ["pack_token", "pack_date"],
        ),
        ("What the group decided", "", ["decisions", "notes"]),
    )

    class Meta:
        model = GroupMeeting
        fields = ["held_on", "attended", "pack_token", "pack_date", "decisions", "notes"]
        widgets = {"held_on": _date_widget(), "pack_date": _date_widget()}

    def __init__(
        self, *args: Any, packs: Sequence[tuple[str, str, date]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._packs = {token: day for token, _, day in packs}
        choices = [("", "None of these")] + [(token, words) for token, words, _ in packs]
        kept = self.instance.pack_token
        if kept and kept not in self._packs:
            choices.append((kept, "The pack linked before (no longer kept)"))
        pack_field = self.fields["pack_token"]
        assert isinstance(pack_field, forms.ChoiceField)
        pack_field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        token = cleaned.get("pack_token")
        if token in self._packs and not cleaned.get("pack_date"):
            cleaned["pack_date"] = self._packs[token]
            self.instance.pack_date = self._packs[token]
        return cleaned

    def clean_attended(self) -> list[str]:
        chosen = set(self.cleaned_data.get("attended") or [])
        return [code for code in Agency.values if code in chosen]  # the list's order

    def clean_held_on(self) -> date:
        held: date = self.cleaned_data["held_on"]
        if held > timezone.localdate():
            raise ValidationError("Record a meeting once it has been held.")
        return held


class GroupActionForm(RecordForm):
    class Meta:
        model = GroupAction
        fields = ["what", "owner", "due_on", "done_on"]
        widgets = {"due_on": _date_widget(), "done_on": _date_widget()}
