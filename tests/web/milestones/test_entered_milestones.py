"""Milestones typed on a child's journey page: who may, the import's rules, the history,
and the precedence rule when a later import brings the same milestone (docs/meetings.md,
"Milestones entered in the app")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.test import Client

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import Outcome, aim_children
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.entered_milestones import milestone_differences
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import AbsentRecord, CarePeriod, Child, Milestone

from ...core.conftest import journey_tables
from ..conftest import make_user

ACCOMMODATED = date(2024, 3, 1)  # docs/clas.md's child 0042: in foster care from that day
AS_OF = date(2025, 1, 31)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def _extract(*milestones: tuple[str, date, str]) -> JourneyTables:
    """The child accommodated on 1 March 2024, with only these milestones (a return
    such as CLAS brings none)."""
    tables = journey_tables("0042", looked_after=ACCOMMODATED, born=date(2021, 5, 17))
    rows = [
        {
            "child_ref": "0042",
            "period_start": ACCOMMODATED,
            "milestone": kind,
            "date": on,
            "detail": detail,
        }
        for kind, on, detail in milestones
    ]
    return JourneyTables(
        **{
            **dict(tables.items()),
            "meetings": pl.DataFrame(schema=dict(SCHEMAS["meetings"])),
            "milestones": pl.DataFrame(rows, schema=dict(SCHEMAS["milestones"])),
        }
    )


def _aim_2(authority: LocalAuthority) -> dict[str, Any]:
    with scoped_to(Scope.authority(authority.pk)):
        frame = journeys_frame(AS_OF)
    [row] = aim_children(frame, AIM_2, as_of=AS_OF).iter_rows(named=True)
    return row


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _child(authority: LocalAuthority) -> Child:
    with scoped_to(Scope.authority(authority.pk)):
        return Child.objects.get()


def _period(authority: LocalAuthority) -> CarePeriod:
    with scoped_to(Scope.authority(authority.pk)):
        return CarePeriod.objects.get()


def _enter(client: Client, child: Child, period: CarePeriod, **values: str) -> Any:
    form = {"care_period": str(period.pk), "detail": "", "reason": "", **values}
    return client.post(f"/children/{child.pk}/milestones/new/", form)


def test_an_entered_recommendation_counts_until_an_import_brings_one_then_the_import_wins(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _extract())
    # From the return alone the child is still waiting: no recommendation.
    assert _aim_2(authority_a)["outcome"] != Outcome.MET.value
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    child, period = _child(authority_a), _period(authority_a)
    sent = _enter(
        _client(practitioner),
        child,
        period,
        milestone="permanence_recommendation",
        date="2024-08-20",
        detail="poa",
    )
    assert sent.status_code == 302, sent.content.decode()
    # Hand-worked: 1 March to 20 August 2024 is 172 days, 24.6 weeks: within 26, met.
    cache.STORE.clear()
    row = _aim_2(authority_a)
    assert (row["end_date"], row["days_waited"]) == (date(2024, 8, 20), 172)
    assert row["outcome"] == Outcome.MET.value

    # A later import brings the recommendation on 1 October 2024: 214 days, 30.6 weeks.
    summary: Any = load(
        authority_a, _extract(("permanence_recommendation", date(2024, 10, 1), "poa")), "later"
    )
    cache.STORE.clear()
    row = _aim_2(authority_a)
    assert (row["end_date"], row["days_waited"]) == (date(2024, 10, 1), 214)
    assert row["outcome"] == Outcome.NOT_MET.value
    with scoped_to(Scope.authority(authority_a.pk)):
        entered = Milestone.objects.get(entered_by=practitioner)
        # Nothing overwritten, nothing taken for missing: both are kept.
        assert (entered.date, entered.source_batch_id) == (date(2024, 8, 20), None)
        assert Milestone.objects.count() == 2
        assert not AbsentRecord.objects.exists()
        [listed] = milestone_differences()
    assert summary.tables["milestones"].added == 1
    assert (listed.milestone, listed.imported) == (entered, [date(2024, 10, 1)])

    # The data lead's list shows it, and the view is audited.
    lead = make_user(authority_a, Role.DATA_LEAD, "alpha")
    page = _client(lead).get("/data-quality/milestones-that-differ/").content.decode()
    assert "0042" in page and "20 Aug 2024" in page and "1 Oct 2024" in page
    assert "alpha-practitioner" in page
    with scoped_to(Scope.authority(authority_a.pk)):
        assert RecordView.objects.filter(viewer=lead, child=child).exists()
    # The journey page says the extract's date counts.
    journey = _client(practitioner).get(f"/children/{child.pk}/").content.decode()
    assert "No: the extract's permanence recommendation counts" in journey


def test_a_later_import_that_still_lacks_the_milestone_leaves_it_counted(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _extract())
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    child, period = _child(authority_a), _period(authority_a)
    _enter(
        _client(practitioner),
        child,
        period,
        milestone="permanence_recommendation",
        date="2024-08-20",
        detail="poa",
    )
    summary: Any = load(authority_a, _extract(), "later")
    assert summary.tables["milestones"].missing_count == 0
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not AbsentRecord.objects.exists()
        assert Milestone.objects.get().date == date(2024, 8, 20)
    cache.STORE.clear()
    assert _aim_2(authority_a)["days_waited"] == 172


def test_a_milestone_stays_typed_in_when_the_account_that_typed_it_is_deleted(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    # ``entered_by`` is emptied with the account (``SET_NULL``; an account that viewed a
    # child's record cannot be deleted today, but the rule must not rest on that); the
    # milestone must not then be taken for an imported one (matched, or listed as no
    # longer in the extract).
    load(authority_a, _extract())
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    child, period = _child(authority_a), _period(authority_a)
    _enter(
        _client(practitioner),
        child,
        period,
        milestone="permanence_recommendation",
        date="2024-08-20",
        detail="poa",
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        Milestone.objects.update(entered_by=None)  # what deleting the account does
    # The import then brings the recommendation on 1 October 2024: it counts, and the
    # milestone typed in is kept as typed and listed, as when its typist is known.
    load(authority_a, _extract(("permanence_recommendation", date(2024, 10, 1), "poa")), "later")
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not AbsentRecord.objects.exists()
        kept = Milestone.objects.get(source_batch=None)
        assert (kept.date, kept.entered_by) == (date(2024, 8, 20), None)
        [listed] = milestone_differences()
        assert (listed.milestone, listed.imported) == (kept, [date(2024, 10, 1)])
    cache.STORE.clear()
    assert _aim_2(authority_a)["days_waited"] == 214


def test_an_import_on_the_same_day_agrees_and_lists_nothing(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _extract())
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    _enter(
        _client(practitioner),
        _child(authority_a),
        _period(authority_a),
        milestone="permanence_recommendation",
        date="2024-08-20",
        detail="poa",
    )
    load(authority_a, _extract(("permanence_recommendation", date(2024, 8, 20), "poa")), "later")
    with scoped_to(Scope.authority(authority_a.pk)):
        assert milestone_differences() == []
        assert Milestone.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"milestone": "permanence_recommendation", "date": "2099-01-01", "detail": "poa"},
         "date", "cannot be dated in the future"),
        ({"milestone": "permanence_recommendation", "date": "2024-02-01", "detail": "poa"},
         "date", "is before the date looked after 2024-03-01"),
        ({"milestone": "permanence_recommendation", "date": "2024-08-20"},
         "detail", "Choose the route the recommendation names"),
        ({"milestone": "adm_decision", "date": "2024-08-20", "detail": "poa"},
         "detail", "from the list"),
        ({"milestone": "pca_started", "date": "2024-04-20", "detail": "agreed"},
         "detail", "has no detail"),
        ({"milestone": "decision_reversed", "date": "2024-09-01"},
         "reason", "Say why the decision was reversed"),
        # The import holds a recommendation on 1 October: an agency decision before it is
        # out of order (MILE001, the same function).
        ({"milestone": "adm_decision", "date": "2024-09-01", "detail": "agreed"},
         "date", "before the permanence recommendation of 2024-10-01"),
    ],
)  # fmt: skip
def test_the_form_refuses_what_the_import_refuses_or_queries(
    authority_a: LocalAuthority,
    load: Callable[..., object],
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    load(authority_a, _extract(("permanence_recommendation", date(2024, 10, 1), "poa")))
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    sent = _enter(_client(practitioner), _child(authority_a), _period(authority_a), **values)
    assert sent.status_code == 200
    assert message in " ".join(sent.context["form"].errors[field])
    with scoped_to(Scope.authority(authority_a.pk)):
        assert Milestone.objects.count() == 1


def test_a_milestone_after_the_care_period_ended_is_refused(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    tables = _extract()
    ended = tables.care_periods.with_columns(
        pl.lit(date(2024, 6, 30)).alias("period_end"), pl.lit("home").alias("destination")
    )
    load(authority_a, JourneyTables(**{**dict(tables.items()), "care_periods": ended}))
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    sent = _enter(
        _client(practitioner),
        _child(authority_a),
        _period(authority_a),
        milestone="permanence_recommendation",
        date="2024-07-01",
        detail="return_home",
    )
    assert "after the care period ended" in " ".join(sent.context["form"].errors["date"])


def test_changing_and_removing_an_entered_milestone_is_kept_with_who_did_it(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _extract())
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    lead = make_user(authority_a, Role.DATA_LEAD, "alpha")
    child, period = _child(authority_a), _period(authority_a)
    _enter(
        _client(practitioner),
        child,
        period,
        milestone="permanence_recommendation",
        date="2024-08-20",
        detail="poa",
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        milestone = Milestone.objects.get()
    changed = _client(lead).post(
        f"/children/milestones/{milestone.pk}/",
        {
            "care_period": str(period.pk),
            "milestone": "permanence_recommendation",
            "date": "2024-08-22",
            "detail": "adoption",
            "reason": "",
        },
    )
    assert changed.status_code == 302
    page = _client(lead).get(f"/children/milestones/{milestone.pk}/").content.decode()
    assert "alpha-practitioner" in page and "alpha-data_lead" in page
    with scoped_to(Scope.authority(authority_a.pk)):
        milestone.refresh_from_db()
        assert (milestone.date, milestone.detail) == (date(2024, 8, 22), "adoption")
        assert milestone.entered_by == practitioner  # who first typed it in
        removed = _client(lead).post(f"/children/milestones/{milestone.pk}/remove/")
        assert removed.status_code == 302
        assert not Milestone.objects.exists()
        history = list(Milestone.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert [h.history_user for h in history] == [practitioner, lead, lead]


def test_an_imported_milestone_is_not_changed_here(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _extract(("permanence_recommendation", date(2024, 10, 1), "poa")))
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    with scoped_to(Scope.authority(authority_a.pk)):
        imported = Milestone.objects.get()
    client = _client(practitioner)
    assert client.get(f"/children/milestones/{imported.pk}/").status_code == 404
    assert client.post(f"/children/milestones/{imported.pk}/remove/").status_code == 404
    with scoped_to(Scope.authority(authority_a.pk)):
        assert Milestone.objects.get().date == date(2024, 10, 1)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.NATIONAL])
def test_viewers_may_not_enter_a_milestone(
    authority_a: LocalAuthority, load: Callable[..., object], role: Role
) -> None:
    load(authority_a, _extract())
    person = make_user(authority_a, role, "alpha")
    child, period = _child(authority_a), _period(authority_a)
    client = _client(person)
    assert client.get(f"/children/{child.pk}/milestones/new/").status_code == 403
    sent = _enter(
        client,
        child,
        period,
        milestone="permanence_recommendation",
        date="2024-08-20",
        detail="poa",
    )
    assert sent.status_code == 403
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not Milestone.objects.exists()


def test_a_practitioner_may_not_see_the_data_leads_list(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _extract())
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    assert _client(practitioner).get("/data-quality/milestones-that-differ/").status_code == 403
