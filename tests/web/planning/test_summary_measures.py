"""The summary page's process measures follow the authority's review policy (reviews are
judged against the planner's due dates, as the due lists are), and the page reads the
journeys frame the dashboards keep rather than building its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.test import Client

from permanence.analysis.schedule import PolicyHistory, ReviewPolicy
from permanence.journey.frame import build_journeys_frame
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.dashboards import assembly
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning import views
from permanence.web.planning.measures import Measure, planned_reviews, process_measures
from permanence.web.planning.models import ReviewPolicyVersion

from ..conftest import PASSWORD
from .conftest import Meeting, child_tables, combine

TODAY = date(2025, 8, 1)
THREE_WEEKS_FROM = date(2025, 3, 1)


def planning_meeting(accommodated: date, days_later: int) -> list[Meeting]:
    return [("planning_2wk", None, date.fromordinal(accommodated.toordinal() + days_later), None)]


def three_week_children() -> Any:
    return combine(
        # Held 18 days after: late for 2 weeks, in time for 3.
        child_tables("P-0001", date(2025, 5, 5), meetings=planning_meeting(date(2025, 5, 5), 18)),
        # Held 25 days after: late for 3 weeks.
        child_tables("P-0002", date(2025, 5, 12), meetings=planning_meeting(date(2025, 5, 12), 25)),
        # Accommodated before the local meeting began: nobody asked for one, not counted.
        child_tables("P-0003", date(2025, 2, 10), meetings=planning_meeting(date(2025, 2, 10), 10)),
    )


def rows(measure: Measure) -> list[tuple[date, int, int]]:
    return list(measure.table.select("month", "numerator", "denominator").iter_rows())


def titled(measures: list[Measure], words: str) -> Measure:
    return next(measure for measure in measures if words in measure.title)


def frame_of(tables: Any) -> pl.DataFrame:
    return build_journeys_frame(tables.with_authority("ALPHA"), TODAY)


NO_REVIEWS = pl.DataFrame(schema={"due_date": pl.Date, "held_date": pl.Date})


def summary_measures(frame: pl.DataFrame, history: PolicyHistory, today: date) -> list[Measure]:
    return list(process_measures(frame, history, today, planned_reviews=NO_REVIEWS).values())


def test_a_three_week_meeting_is_judged_at_21_days_from_when_it_began() -> None:
    history = PolicyHistory(
        (ReviewPolicy(effective_from=THREE_WEEKS_FROM, name="3 weeks", planning_meeting_weeks=3),)
    )
    measures = summary_measures(frame_of(three_week_children()), history, TODAY)
    planning = titled(measures, "planning meetings held within 21 days")
    assert planning.title == "3-week planning meetings held within 21 days of accommodation"
    assert rows(planning) == [(date(2025, 5, 1), 1, 2)]
    assert planning.note == "Counted from 1 March 2025, when the local planning meeting began."


def test_without_a_local_planning_meeting_the_measure_is_left_out() -> None:
    measures = summary_measures(frame_of(three_week_children()), PolicyHistory(), TODAY)
    assert [measure.title for measure in measures] == [
        "72-hour planning meetings held within 72 hours of accommodation",
        "Looked After Child reviews held by their due date",
    ]
    # A version not yet in force has asked nothing of anybody.
    later = PolicyHistory(
        (ReviewPolicy(effective_from=date(2025, 9, 1), planning_meeting_weeks=2),)
    )
    assert len(summary_measures(frame_of(three_week_children()), later, TODAY)) == 2


def test_each_child_is_held_to_the_policy_in_force_when_accommodated() -> None:
    history = PolicyHistory(
        (
            ReviewPolicy(effective_from=date(2025, 1, 1), name="2", planning_meeting_weeks=2),
            ReviewPolicy(effective_from=date(2025, 5, 10), name="3", planning_meeting_weeks=3),
        )
    )
    measures = summary_measures(frame_of(three_week_children()), history, TODAY)
    planning = titled(measures, "week planning meetings")
    assert planning.title == (
        "2-week or 3-week planning meetings held within 14 or 21 days of accommodation"
    )
    # February: P-0003 in time for 2 weeks. May: P-0001 (2 weeks) late at 18 days,
    # P-0002 (3 weeks) late at 25 days; the month adds both policies' children.
    assert rows(planning) == [(date(2025, 2, 1), 1, 1), (date(2025, 5, 1), 0, 2)]
    assert "policy in force on the day they were accommodated" in planning.note


def test_the_72_hour_limit_is_the_policys() -> None:
    tables = combine(
        child_tables(
            "H-0001", date(2025, 5, 5), meetings=[("planning_72h", None, date(2025, 5, 8), None)]
        ),
        child_tables(
            "H-0002", date(2025, 3, 5), meetings=[("planning_72h", None, date(2025, 3, 8), None)]
        ),
    )
    history = PolicyHistory(
        (ReviewPolicy(effective_from=date(2025, 4, 1), name="2 days", planning_72h_days=2),)
    )
    measure = summary_measures(frame_of(tables), history, TODAY)[0]
    assert measure.title == "72-hour planning meetings held within 2 or 3 days of accommodation"
    # March, under the statute's 3 days: in time. May, under 2 days: late.
    assert rows(measure) == [(date(2025, 3, 1), 1, 1), (date(2025, 5, 1), 0, 1)]


def summary_page(client: Client, users_a: dict[Role, User], monkeypatch: pytest.MonkeyPatch) -> str:
    """The summary page on ``TODAY``, as a viewer sees it."""
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    client.login(username=users_a[Role.VIEWER].username, password=PASSWORD)
    return client.get("/planning/summary/").content.decode()


@pytest.fixture
def three_weeks_in_force(
    authority_a: LocalAuthority, plan_import: Callable[..., object], committing: Callable[[], Any]
) -> None:
    plan_import(authority_a, three_week_children())
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        ReviewPolicyVersion.objects.create(
            authority=authority_a,
            effective_from=THREE_WEEKS_FROM,
            name="3-week planning meeting",
            planning_meeting_weeks=3,
        )


def test_the_summary_page_uses_the_authoritys_policy(
    three_weeks_in_force: None,
    users_a: dict[Role, User],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = summary_page(client, users_a, monkeypatch)
    assert "held within 14 days" not in page
    title = "3-week planning meetings held within 21 days of accommodation"
    section = page.split(f">{title}</h3>")[1].split("<h3")[0]
    assert "Counted from 1 March 2025, when the local planning meeting began." in section
    assert (
        '<th scope="row">May 2025</th><td class="numeric">1</td><td class="numeric">2</td>'
        in section
    )
    assert "February 2025" not in section


def test_the_summary_page_reads_the_dashboards_cached_frame(
    three_weeks_in_force: None,
    users_a: dict[Role, User],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[date] = []
    build = assembly.journeys_frame

    def counted(as_of: date, *args: Any, **kwargs: Any) -> pl.DataFrame:
        built.append(as_of)
        return build(as_of, *args, **kwargs)

    monkeypatch.setattr(assembly, "journeys_frame", counted)
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    client.login(username=users_a[Role.VIEWER].username, password=PASSWORD)
    for _ in range(3):
        assert client.get("/planning/summary/").status_code == 200
    assert built == [TODAY]


# ---- reviews are judged against the planner's due dates ---------------------------------

REVIEWS_TITLE = "Looked After Child reviews held by their due date"


def reviews_by_policy_and_by_record() -> Any:
    return combine(
        # Placed 14 March 2025: by the policy the first review is due 25 April (6 weeks);
        # the case recording system said 2 May. Held 30 April: late by the policy, in
        # time by the record. The second is due 3 months after it (30 July) and is not
        # held by 1 August: overdue on the lists, and without a recorded due date the
        # records alone could not count it.
        child_tables(
            "R-0001",
            date(2025, 3, 14),
            meetings=[("review", date(2025, 5, 2), date(2025, 4, 30), 1)],
        ),
        # Held in time (22 April); home on 1 June, before the second review fell due:
        # that one was never missed and is not counted.
        child_tables(
            "R-0002",
            date(2025, 3, 14),
            meetings=[("review", None, date(2025, 4, 22), 1)],
            period_end=date(2025, 6, 1),
        ),
        # Placed 6 January; the first review, due 17 February, was never held, and the
        # period ended on 1 March: missed before it closed, so counted as late.
        child_tables("R-0003", date(2025, 1, 6), period_end=date(2025, 3, 1)),
    )


@pytest.fixture
def reviewed_children(authority_a: LocalAuthority, plan_import: Callable[..., object]) -> None:
    plan_import(authority_a, reviews_by_policy_and_by_record())


def test_reviews_are_judged_against_the_due_dates_the_planner_set(
    authority_a: LocalAuthority, reviewed_children: None
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        reviews = planned_reviews(TODAY)
    assert sorted(reviews.iter_rows()) == [
        (date(2025, 2, 17), None),
        (date(2025, 4, 25), date(2025, 4, 22)),
        (date(2025, 4, 25), date(2025, 4, 30)),
        (date(2025, 7, 30), None),
    ]
    frame = frame_of(reviews_by_policy_and_by_record())
    measure = process_measures(frame, PolicyHistory(), TODAY, planned_reviews=reviews)["reviews"]
    assert rows(measure) == [
        (date(2025, 2, 1), 0, 1),
        (date(2025, 4, 1), 1, 2),
        (date(2025, 7, 1), 0, 1),
    ]
    assert "judged against the due date the review policy sets" in measure.note


def test_the_summary_page_judges_reviews_by_the_planners_due_dates(
    reviewed_children: None,
    users_a: dict[Role, User],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = summary_page(client, users_a, monkeypatch)
    section = page.split(f">{REVIEWS_TITLE}</h3>")[1].split("<h3")[0]
    # April: R-0001 held late by the policy (in time by the record), R-0002 in time.
    # July: R-0001's second review, overdue on the due lists, is late here too.
    assert (
        '<th scope="row">April 2025</th><td class="numeric">1</td><td class="numeric">2</td>'
        in section
    )
    assert (
        '<th scope="row">July 2025</th><td class="numeric">0</td><td class="numeric">1</td>'
        in section
    )


def improvement_series(authority: LocalAuthority, process_measure: str) -> Any:
    """The points of an improvement measure defined against ``process_measure``."""
    from permanence.web.improvement.models import (
        ImprovementProject,
        MeasureKind,
        MeasureSource,
    )
    from permanence.web.improvement.models import (
        Measure as ImprovementMeasure,
    )
    from permanence.web.improvement.views.measures import measure_series

    with scoped_to(Scope.authority(authority.pk)):
        project = ImprovementProject.objects.create(
            authority=authority, title="Meetings on time", national_aim="aim_2"
        )
        measure = ImprovementMeasure.objects.create(
            authority=authority,
            project=project,
            kind=MeasureKind.PROCESS,
            title=process_measure,
            source=MeasureSource.PROCESS,
            process_measure=process_measure,
        )
        return measure_series(measure, authority.pk)


def test_an_improvement_measure_of_reviews_has_the_summarys_figures(
    authority_a: LocalAuthority, reviewed_children: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "today", lambda: TODAY)
    series = improvement_series(authority_a, "reviews")
    assert [(p.first, p.numerator, p.denominator) for p in series.points] == [
        (date(2025, 2, 1), 0, 1),
        (date(2025, 4, 1), 1, 2),
        (date(2025, 7, 1), 0, 1),
    ]
    assert "judged against the due date the review policy sets" in series.note


def test_an_improvement_measure_of_a_meeting_the_policy_never_asked_for_counts_nobody(
    authority_a: LocalAuthority, plan_import: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Held within 14 days, but no policy version has ever asked for a planning meeting.
    plan_import(authority_a, three_week_children())
    monkeypatch.setattr(cache, "today", lambda: TODAY)
    series = improvement_series(authority_a, "planning_meeting")
    assert series.points == ()
    assert series.note == (
        "The review policy has never asked for this meeting, so nobody is counted."
    )
