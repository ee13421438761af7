"""The improvement record's part of the demo: a project as a PACE Champions' Group kept it.

A project on Aim 2 with a local aim from the PACE template, a Champions' Group from every
partner agency, a driver diagram holding change ideas tested across Scotland (DOMAIN.md),
ramps of PDSA cycles of the 2-week planning meeting across the authority's teams (the
change the synthetic authority brings in at its improvement start), measures of every
kind, feedback from parents and carers, a risks and issues register, and the Champions'
Group's last two meetings with their actions (some done, some carried forward). Synthetic
throughout: nothing here is about a real child.
"""

from __future__ import annotations

from datetime import date, timedelta

from permanence.analysis.aims import local_aim
from permanence.analysis.schedule import add_months
from permanence.web.accounts.models import LocalAuthority, Team
from permanence.web.improvement.models import (
    Agency,
    ChampionsGroupMember,
    ChangeIdea,
    Decision,
    Driver,
    Feedback,
    FeedbackGiver,
    FeedbackPoint,
    GroupAction,
    GroupMeeting,
    HowGiven,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureKind,
    MeasureSource,
    MeasureValue,
    PdsaCycle,
    ProcessMeasure,
    Risk,
    RiskStatus,
)
from permanence.web.kernel.scope import Scope, scoped_to

MEMBERS = (
    ("Team leader, children and families", Agency.SOCIAL_WORK, "Chair"),
    ("Data lead", Agency.SOCIAL_WORK, "Presents the data at every meeting"),
    ("Solicitor, legal services", Agency.LEGAL, ""),
    ("Health visitor", Agency.HEALTH, ""),
    ("Depute head teacher", Agency.EDUCATION, ""),
    ("Locality Reporter", Agency.REPORTER, ""),
    ("Area support team", Agency.HEARINGS, ""),
    ("Sheriff clerk", Agency.COURTS, ""),
    ("Family support worker", Agency.THIRD_SECTOR, ""),
)

DIAGRAM = (
    (
        "Early, focused planning from the day a child is accommodated",
        (
            (
                "Permanence discussed with parents and a plan agreed within two weeks",
                ("2-week planning meeting", "Permanence leaflet for parents"),
            ),
            (
                "Every review date set in advance",
                ("Set every review date at accommodation",),
            ),
        ),
    ),
    (
        "Timely, decisive legal advice",
        (
            (
                "Legal advice available when the plan needs it",
                (
                    "Legal advice meetings set in advance",
                    "Written legal advice instead of a meeting",
                ),
            ),
        ),
    ),
    (
        "Assessments that do not hold children up",
        (
            (
                "Parenting capacity assessments completed on time",
                ("40-day limit on assessments for 0-3 year olds",),
            ),
        ),
    ),
)


def prepare_demo_improvement(
    authority: LocalAuthority, *, as_of: date, improvement_start: date
) -> list[str]:
    """Build the demo's improvement record; returns lines saying what was made."""
    with scoped_to(Scope.authority(authority.pk)):
        aim = _local_aim(authority, as_of, improvement_start)
        project = ImprovementProject.objects.create(
            authority=authority,
            title="Permanence within 26 weeks",
            national_aim="aim_2",
            improvement_start=improvement_start,
            governance_group="The guiding coalition of heads of service of the partner "
            "agencies; the Champions' Group reports to it every quarter.",
        )
        for name, agency, role in MEMBERS:
            ChampionsGroupMember.objects.create(
                authority=authority, project=project, name=name, agency=agency, role_in_group=role
            )
        ideas = _diagram(authority, project)
        cycles = _cycles(authority, ideas["2-week planning meeting"], improvement_start, as_of)
        _measures(authority, project, aim, as_of)
        _feedback(authority, project, improvement_start, as_of)
        _risks(authority, project, improvement_start)
        _group_meetings(authority, as_of)
    return [
        f"Improvement record: the project “{project.title}” with {len(ideas)} change ideas "
        f"and {cycles} PDSA cycles."
    ]


def _local_aim(authority: LocalAuthority, as_of: date, start: date) -> LocalAim:
    by = date(as_of.year + 1, 3, 31)
    definition = local_aim(
        "recommendation",
        id="demo",
        title="Our Aim 2",
        by_date=by,
        start_on_or_after=start,
        target_percent=80,
    )
    return LocalAim.objects.create(
        authority=authority,
        title=definition.title,
        template="recommendation",
        statement=definition.statement,
        start_column=definition.start_column,
        end_column=definition.end_column,
        target_weeks=definition.target_weeks,
        target_percent=80,
        start_on_or_after=start,
        by_date=by,
    )


def _diagram(authority: LocalAuthority, project: ImprovementProject) -> dict[str, ChangeIdea]:
    ideas: dict[str, ChangeIdea] = {}
    for p_index, (primary_text, secondaries) in enumerate(DIAGRAM, start=1):
        primary = Driver.objects.create(
            authority=authority, project=project, text=primary_text, position=p_index
        )
        for s_index, (secondary_text, titles) in enumerate(secondaries, start=1):
            secondary = Driver.objects.create(
                authority=authority,
                project=project,
                parent=primary,
                text=secondary_text,
                position=s_index,
            )
            for title in titles:
                idea = ChangeIdea.objects.create(
                    authority=authority, project=project, title=title, position=len(ideas) + 1
                )
                idea.drivers.add(secondary)
                ideas[title] = idea
    return ideas


def _cycles(authority: LocalAuthority, idea: ChangeIdea, start: date, as_of: date) -> int:
    """A ramp: one team, one age group, then wider, then adopted; a later test elsewhere."""
    teams = list(Team.objects.order_by("name"))
    plan = [
        ("Will parents understand the plan for their child by the end of the meeting?", 0, "1_4"),
        ("Can the meeting be held within 14 days for every child accommodated?", 0, ""),
        ("Does it work as well in a second team?", 1, ""),
        ("Does it hold across every team and age?", None, ""),
    ]
    previous: PdsaCycle | None = None
    made = 0
    for index, (hoped, team_index, age) in enumerate(plan):
        begins = start + timedelta(days=35 * index)
        if begins > as_of:
            break
        team = (
            teams[team_index]
            if teams and team_index is not None and team_index < len(teams)
            else None
        )
        cycle = PdsaCycle.objects.create(
            authority=authority,
            change_idea=idea,
            follows=previous,
            hoped_to_achieve=hoped,
            started_on=begins,
            planned_end=begins + timedelta(days=28),
            team=team,
            age_band=age,
            question="Is the 2-week planning meeting held, with parents, and a plan agreed?",
            prediction="Most meetings will be held within 14 days; parents will know the plan.",
            data_to_collect="Date of each meeting against the date accommodated; a question "
            "to parents at the end of the meeting.",
        )
        ends = begins + timedelta(days=28)
        if ends <= as_of:
            cycle.learned = (
                "Meetings were held within 14 days when the date was set on the day the child "
                "was accommodated; parents said they understood the plan."
            )
            cycle.next_steps = (
                "Adopt across every team." if index == len(plan) - 1 else "Test more widely."
            )
            cycle.close(ends, Decision.ADOPT if index == len(plan) - 1 else Decision.ADAPT)
        previous = cycle
        made += 1
    return made


def _measures(
    authority: LocalAuthority, project: ImprovementProject, aim: LocalAim, as_of: date
) -> None:
    common = {"authority": authority, "project": project}
    Measure.objects.create(
        **common,
        kind=MeasureKind.OUTCOME,
        title="Aim 2: weeks each child waited for a permanence recommendation",
        source=MeasureSource.AIM_WEEKS,
        national_aim="aim_2",
        position=1,
    )
    Measure.objects.create(
        **common,
        kind=MeasureKind.OUTCOME,
        title="Our Aim 2: percentage within 26 weeks, by quarter accommodated",
        source=MeasureSource.AIM_PERCENT,
        local_aim=aim,
        period="quarter",
        chart="control",
        position=2,
    )
    Measure.objects.create(
        **common,
        kind=MeasureKind.PROCESS,
        title="2-week planning meetings held within 14 days",
        source=MeasureSource.PROCESS,
        process_measure=ProcessMeasure.PLANNING_MEETING,
        position=3,
    )
    Measure.objects.create(
        **common,
        kind=MeasureKind.PROCESS,
        title="Days waiting for legal advice",
        source=MeasureSource.STAGE,
        stage="legal_advice",
        position=4,
    )
    moves = Measure.objects.create(
        **common,
        kind=MeasureKind.BALANCING,
        title="Placement moves of children accommodated",
        source=MeasureSource.ENTERED_COUNT,
        unit="placement moves",
        position=5,
    )
    month = date(as_of.year - 2, as_of.month, 1)
    counts = (7, 5, 8, 6, 9, 7, 6, 8, 5, 7, 6, 8, 7, 5, 6, 8, 7, 6, 5, 7, 8, 6, 7, 5)
    for count in counts:
        if month >= as_of.replace(day=1):
            break
        MeasureValue.objects.create(authority=authority, measure=moves, month=month, count=count)
        month = add_months(month, 1)


def _feedback(
    authority: LocalAuthority, project: ImprovementProject, start: date, as_of: date
) -> None:
    said = (
        (FeedbackGiver.PARENT, 4, 4, "I knew what was going to happen next for the first time."),
        (FeedbackGiver.PARENT, 3, 4, "There were a lot of people but they let me speak."),
        (FeedbackGiver.CARER, 5, 4, "Good to hear the plan at the start rather than months on."),
        (FeedbackGiver.CHILD, 3, 5, "They asked me what I wanted."),
        (FeedbackGiver.PARENT, 2, 3, "I did not understand the words the lawyer used."),
    )
    month = start.replace(day=1)
    for index, (giver, understood, listened, words) in enumerate(said):
        when = add_months(month, 2 * index + 1)
        if when > as_of:
            break
        Feedback.objects.create(
            authority=authority,
            project=project,
            month=when,
            giver=giver,
            point=FeedbackPoint.PLANNING_MEETING,
            how_given=HowGiven.WITH_HELP if giver == FeedbackGiver.CHILD else HowGiven.OWN_WORDS,
            understood=understood,
            listened_to=listened,
            words=words,
        )


def _risks(authority: LocalAuthority, project: ImprovementProject, start: date) -> None:
    Risk.objects.create(
        authority=authority,
        project=project,
        description="Team leaders cannot chair every 2-week planning meeting when several "
        "children are accommodated in the same week.",
        owner="Service manager",
        likelihood=4,
        impact=3,
        actions="Deputy chairs trained in each team.",
        status=RiskStatus.MANAGED,
        raised_on=start,
        reviewed_on=start + timedelta(days=90),
    )
    Risk.objects.create(
        authority=authority,
        project=project,
        description="Case recording system cannot report the 2-week planning meeting date.",
        owner="Data lead",
        likelihood=3,
        impact=4,
        actions="A new meeting type requested from the system supplier.",
        raised_on=start + timedelta(days=14),
    )


#: The group's actions: (the meeting, 0 or 1; what; owner; due days after the meeting;
#: done days after it, or None while open). Meeting 0 was eight weeks before the demo's
#: date, meeting 1 four weeks before.
GROUP_ACTIONS = (
    (
        0,
        "Ask the sheriff clerk how long permanence order hearings are waiting",
        "Sheriff clerk",
        21,
        18,
    ),
    (0, "Add the two-week planning meeting to the case recording system", "Data lead", 42, None),
    (
        0,
        "Offer the leaflet for parents at every two-week meeting",
        "Team leader, social work",
        14,
        10,
    ),
    (
        1,
        "Bring the legal advice times by team to the next meeting",
        "Solicitor, legal services",
        28,
        None,
    ),
    (1, "Test a written legal advice request with one team", "Team leader, social work", 21, None),
)


def _group_meetings(authority: LocalAuthority, as_of: date) -> None:
    """The Champions' Group's last two meetings, each presented with the month's pack,
    and their actions: the later meeting carries the first's open one forward, and the
    next pack opens with every action still open."""
    meetings = []
    for weeks, decided in (
        (8, "Test the leaflet for parents with one team for a month."),
        (4, "Spread the leaflet to every team.\nAsk legal services for written advice times."),
    ):
        held = as_of - timedelta(weeks=weeks)
        meetings.append(
            GroupMeeting.objects.create(
                authority=authority,
                held_on=held,
                attended=[
                    Agency.SOCIAL_WORK,
                    Agency.LEGAL,
                    Agency.HEALTH,
                    Agency.REPORTER,
                    Agency.THIRD_SECTOR,
                ],
                pack_date=held - timedelta(days=1),
                decisions=decided,
                notes="The run chart of Aim 2 was read together; the data lead presented it.",
            )
        )
    for number, what, owner, due, done in GROUP_ACTIONS:
        meeting = meetings[number]
        GroupAction.objects.create(
            authority=authority,
            meeting=meeting,
            what=what,
            owner=owner,
            due_on=meeting.held_on + timedelta(days=due),
            done_on=meeting.held_on + timedelta(days=done) if done is not None else None,
        )
