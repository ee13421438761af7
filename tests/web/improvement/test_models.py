"""The improvement record's rules, in the models: closing a PDSA cycle, ramps, implemented
dates, local aims as aim definitions, risk ratings."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.aims import AIM_TEMPLATES, AimDefinition, local_aim
from permanence.analysis.direction import Better
from permanence.journey.vocabulary import MeetingKind
from permanence.web.accounts.models import LocalAuthority
from permanence.web.improvement.models import (
    ChangeIdea,
    CycleIncompleteError,
    Decision,
    Driver,
    Feedback,
    FeedbackPoint,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureSource,
    PdsaCycle,
    Risk,
    risk_band,
)
from permanence.web.improvement.ramps import ramps, spread
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import Record


@pytest.fixture
def scope_a(record_a: Record) -> object:
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        yield


def new_cycle(record: Record, **fields: object) -> PdsaCycle:
    values: dict[str, object] = {
        "authority": record.project.authority,
        "change_idea": record.idea,
        "hoped_to_achieve": "Parents will understand the plan.",
        "started_on": date(2023, 1, 9),
    }
    values.update(fields)
    return PdsaCycle.objects.create(**values)


# ---------------------------------------------------------------------------------------
# Closing a cycle


@pytest.mark.usefixtures("scope_a")
class TestClosingACycle:
    def test_refused_without_what_was_learned_and_the_next_steps(self, record_a: Record) -> None:
        cycle = new_cycle(record_a)
        with pytest.raises(CycleIncompleteError) as refused:
            cycle.close(date(2023, 2, 6))
        message = " ".join(refused.value.message_dict["__all__"])
        assert "write what was learned and the next steps" in message
        assert set(refused.value.message_dict) == {"__all__", "learned", "next_steps"}
        cycle.refresh_from_db()
        assert cycle.closed_on is None

    def test_the_message_names_only_what_is_missing(self, record_a: Record) -> None:
        cycle = new_cycle(record_a, learned="Meetings need a chair from the team.")
        with pytest.raises(CycleIncompleteError) as refused:
            cycle.close(date(2023, 2, 6))
        message = refused.value.message_dict["__all__"][0]
        assert "write the next steps." in message
        assert "write what was learned" not in message

    def test_whitespace_is_not_a_record(self, record_a: Record) -> None:
        cycle = new_cycle(record_a, learned="   \n", next_steps="\t")
        with pytest.raises(CycleIncompleteError):
            cycle.close(date(2023, 2, 6))

    def test_clean_refuses_a_closed_cycle_without_the_minimum_record(
        self, record_a: Record
    ) -> None:
        cycle = new_cycle(record_a)
        cycle.closed_on = date(2023, 2, 6)
        with pytest.raises(ValidationError) as refused:
            cycle.full_clean()
        assert "learned" in refused.value.message_dict

    def test_the_database_refuses_it_even_when_clean_is_skipped(self, record_a: Record) -> None:
        cycle = new_cycle(record_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            PdsaCycle.objects.filter(pk=cycle.pk).update(closed_on=date(2023, 2, 6))

    def test_closes_with_the_minimum_record(self, record_a: Record) -> None:
        cycle = new_cycle(record_a, learned="It works with a chair.", next_steps="Test in team B.")
        cycle.close(date(2023, 2, 6), Decision.ADAPT)
        cycle.refresh_from_db()
        assert cycle.closed_on == date(2023, 2, 6)
        assert cycle.decision == Decision.ADAPT
        assert not cycle.is_open

    def test_cannot_close_before_it_starts(self, record_a: Record) -> None:
        cycle = new_cycle(record_a, learned="x", next_steps="y")
        with pytest.raises(ValidationError):
            cycle.close(date(2023, 1, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            PdsaCycle.objects.filter(pk=cycle.pk).update(closed_on=date(2023, 1, 1))

    def test_cycles_are_numbered_in_their_change_idea(self, record_a: Record) -> None:
        # The record already has cycles 1 and 2.
        assert new_cycle(record_a).number == 3
        other = ChangeIdea.objects.create(
            authority=record_a.project.authority, project=record_a.project, title="Another"
        )
        assert new_cycle(record_a, change_idea=other).number == 1


# ---------------------------------------------------------------------------------------
# Implemented dates


@pytest.mark.usefixtures("scope_a")
class TestImplementedDates:
    def test_adopting_marks_the_idea_implemented_from_the_act_date(self, record_a: Record) -> None:
        # The record's first cycle adopted the idea on 4 April 2022.
        assert record_a.idea.implemented_from == date(2022, 4, 4)
        assert record_a.idea.status == "implemented"

    def test_a_later_adoption_keeps_the_first_date(self, record_a: Record) -> None:
        cycle = new_cycle(record_a, learned="x", next_steps="y")
        cycle.close(date(2023, 3, 1), Decision.ADOPT)
        record_a.idea.refresh_from_db()
        assert record_a.idea.implemented_from == date(2022, 4, 4)

    def test_the_date_is_editable(self, record_a: Record) -> None:
        idea = record_a.idea
        idea.implemented_from = date(2022, 5, 1)
        idea.save()
        idea.refresh_from_db()
        assert idea.implemented_from == date(2022, 5, 1)

    def test_adapting_or_abandoning_does_not_implement(self, record_a: Record) -> None:
        idea = ChangeIdea.objects.create(
            authority=record_a.project.authority, project=record_a.project, title="Leaflet"
        )
        assert idea.status == "not yet tested"
        first = new_cycle(record_a, change_idea=idea, learned="x", next_steps="y")
        assert idea.status == "under test"
        first.close(date(2023, 2, 1), Decision.ADAPT)
        assert idea.status == "tested"
        second = new_cycle(record_a, change_idea=idea, learned="x", next_steps="y", follows=first)
        second.close(date(2023, 3, 1), Decision.ABANDON)
        idea.refresh_from_db()
        assert idea.implemented_from is None
        assert idea.status == "abandoned"


# ---------------------------------------------------------------------------------------
# Ramps


@pytest.mark.usefixtures("scope_a")
class TestRamps:
    def test_a_cycle_follows_an_earlier_cycle_of_the_same_idea(self, record_a: Record) -> None:
        other = ChangeIdea.objects.create(
            authority=record_a.project.authority, project=record_a.project, title="Another"
        )
        stray = new_cycle(record_a, change_idea=other)
        cycle = new_cycle(record_a)
        cycle.follows = stray
        with pytest.raises(ValidationError) as refused:
            cycle.full_clean()
        assert "follows" in refused.value.message_dict

    def test_a_ramp_cannot_go_round_in_a_circle(self, record_a: Record) -> None:
        first, second = record_a.first_cycle, record_a.second_cycle
        assert second.follows_id == first.pk
        first.follows = second
        with pytest.raises(ValidationError, match="circle"):
            first.full_clean()
        first.follows = first
        with pytest.raises(ValidationError, match="itself"):
            first.full_clean()

    def test_ramps_nest_each_cycle_under_the_one_it_follows(self, record_a: Record) -> None:
        first, second = record_a.first_cycle, record_a.second_cycle
        third = new_cycle(record_a, follows=second)
        branch = new_cycle(record_a, follows=first)
        fresh = new_cycle(record_a)
        trees = ramps(list(PdsaCycle.objects.filter(change_idea=record_a.idea)))

        def shape(step):  # type: ignore[no-untyped-def]
            return (step.cycle.pk, [shape(s) for s in step.next_steps])

        assert [shape(t) for t in trees] == [
            (first.pk, [(second.pk, [(third.pk, [])]), (branch.pk, [])]),
            (fresh.pk, []),
        ]

    def test_a_cycle_whose_earlier_cycle_is_not_listed_starts_its_own_ramp(
        self, record_a: Record
    ) -> None:
        trees = ramps([record_a.second_cycle])
        assert [t.cycle.pk for t in trees] == [record_a.second_cycle.pk]

    def test_the_spread_counts_cycles_by_condition(self, record_a: Record) -> None:
        team = record_a.first_cycle.team
        assert team is not None
        new_cycle(record_a, team=team, age_band="under_1", locality="South")
        cycles = list(PdsaCycle.objects.filter(change_idea=record_a.idea).select_related("team"))
        result = spread(cycles, [team.name, "Another team"])
        # First cycle: team, 1 to 4, alpha-north; second: nothing recorded; third: team,
        # under 1, South.
        assert dict(result.teams) == {team.name: 2, "Not recorded": 1}
        assert dict(result.age_groups) == {"Under 1": 1, "1 to 4": 1, "Not recorded": 1}
        assert dict(result.localities) == {"alpha-north": 1, "South": 1, "Not recorded": 1}
        assert result.untested_teams == ["Another team"]
        assert "5 to 11" in result.untested_age_groups
        rows = dict(result.team_by_age)
        labels = result.age_labels
        assert rows[team.name][labels.index("Under 1")] == 1
        assert rows[team.name][labels.index("1 to 4")] == 1
        assert rows["Not recorded"][labels.index("Not recorded")] == 1


# ---------------------------------------------------------------------------------------
# Projects, drivers, local aims


@pytest.mark.usefixtures("scope_a")
class TestProjectsAndAims:
    def test_a_project_links_to_exactly_one_aim(self, record_a: Record) -> None:
        project = ImprovementProject(authority=record_a.project.authority, title="No aim")
        with pytest.raises(ValidationError):
            project.full_clean()
        project.national_aim = "aim_2"
        project.local_aim = record_a.aim
        with pytest.raises(ValidationError):
            project.full_clean()
        project.local_aim = None
        project.full_clean()
        assert project.aim_definition() is not None
        assert project.aim_definition().id == "aim_2"  # type: ignore[union-attr]

    def test_a_secondary_driver_sits_under_a_primary_driver(self, record_a: Record) -> None:
        deeper = Driver(
            authority=record_a.project.authority,
            project=record_a.project,
            parent=record_a.secondary,
            text="Too deep",
        )
        with pytest.raises(ValidationError):
            deeper.full_clean()

    def test_a_local_aim_is_the_definition_the_template_gives(self, record_a: Record) -> None:
        authority = record_a.project.authority
        for template in AIM_TEMPLATES.values():
            expected = local_aim(
                template,
                id="x",
                title=f"From {template.id}",
                by_date=date(2027, 3, 31),
                start_on_or_after=date(2024, 4, 1),
                target_percent=75,
            )
            stored = LocalAim.objects.create(
                authority=authority,
                title=expected.title,
                template=template.id,
                statement=expected.statement,
                start_column=expected.start_column,
                end_column=expected.end_column,
                target_weeks=expected.target_weeks,
                target_months=expected.target_months,
                target_percent=75,
                start_on_or_after=date(2024, 4, 1),
                by_date=date(2027, 3, 31),
            )
            definition = stored.to_definition()
            assert isinstance(definition, AimDefinition)
            assert definition.as_dict() | {"id": "x"} == expected.as_dict()

    def test_an_aim_that_cannot_be_measured_is_refused_in_words(self, record_a: Record) -> None:
        aim = record_a.aim
        aim.target_percent = 100
        with pytest.raises(ValidationError, match="never 100%"):
            aim.full_clean()
        aim.target_percent = 80
        aim.by_date = date(2020, 1, 1)
        with pytest.raises(ValidationError, match="before the 'from' date"):
            aim.full_clean()

    def test_feedback_keeps_the_month_not_the_day(self, record_a: Record) -> None:
        feedback = record_a.feedback
        feedback.month = date(2022, 6, 17)
        feedback.save()
        feedback.refresh_from_db()
        assert feedback.month == date(2022, 6, 1)
        names = {field.name for field in Feedback._meta.get_fields()}
        assert not names & {"child", "child_ref", "care_period", "name", "date_of_birth"}


# ---------------------------------------------------------------------------------------
# Risks


@given(st.integers(1, 5), st.integers(1, 5))
def test_the_rating_is_likelihood_times_impact(likelihood: int, impact: int) -> None:
    risk = Risk(likelihood=likelihood, impact=impact)
    assert risk.rating == likelihood * impact
    assert (
        risk.band
        == {1: "low", 2: "moderate", 3: "high", 4: "extreme"}[
            1 + (risk.rating >= 4) + (risk.rating >= 8) + (risk.rating >= 15)
        ]
    )


def test_the_bands_follow_the_five_by_five_matrix() -> None:
    assert [risk_band(r) for r in (1, 3, 4, 6, 8, 12, 15, 25)] == [
        "low",
        "low",
        "moderate",
        "moderate",
        "high",
        "high",
        "extreme",
        "extreme",
    ]


def test_scores_outside_one_to_five_are_refused_by_the_database(
    record_a: Record, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    with scoped_to(Scope.everything()), pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=record_a.risk.pk).update(likelihood=6)


def test_feedback_meetings_are_named_as_the_journey_names_them() -> None:
    # The codes differ (they are stored), the words must not.
    same_meeting = {
        FeedbackPoint.PLANNING_72H: MeetingKind.PLANNING_72_HOUR,
        FeedbackPoint.PLANNING_MEETING: MeetingKind.PLANNING_2_WEEK,
        FeedbackPoint.REVIEW: MeetingKind.REVIEW,
        FeedbackPoint.HEARING: MeetingKind.CHILDRENS_HEARING,
        FeedbackPoint.LEGAL_ADVICE: MeetingKind.LEGAL_ADVICE,
        FeedbackPoint.PANEL: MeetingKind.PERMANENCE_PANEL,
    }
    assert {point.label: kind.label for point, kind in same_meeting.items()} == {
        kind.label: kind.label for kind in MeetingKind
    }


class TestWhichWayIsBetter:
    """A measure knows which way it improves where that is known, and is told otherwise."""

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            # Aim 1's aim is a floor (a review once the order has lasted two years).
            ({"source": MeasureSource.AIM_WEEKS, "national_aim": "aim_1"}, Better.HIGHER),
            ({"source": MeasureSource.AIM_WEEKS, "national_aim": "aim_2"}, Better.LOWER),
            ({"source": MeasureSource.AIM_PERCENT, "national_aim": "aim_2"}, Better.HIGHER),
            ({"source": MeasureSource.PROCESS, "process_measure": "reviews"}, Better.HIGHER),
            ({"source": MeasureSource.STAGE, "stage": "planning"}, Better.LOWER),
            ({"source": MeasureSource.ENTERED_COUNT}, None),
            ({"source": MeasureSource.ENTERED_COUNT, "better": "lower"}, Better.LOWER),
            ({"source": MeasureSource.ENTERED_RATIO, "better": "higher"}, Better.HIGHER),
        ],
    )
    def test_the_direction(self, fields: dict[str, str], expected: Better | None) -> None:
        assert Measure(**fields).direction() is expected

    def test_a_measure_from_aim_1_is_higher_is_better(self) -> None:
        measure = Measure(source=MeasureSource.AIM_WEEKS, national_aim="aim_1")
        assert measure.direction() is Better.HIGHER
        # What the data lead might set for an entered measure does not override an aim's.
        measure.better = "lower"
        assert measure.direction() is Better.HIGHER
