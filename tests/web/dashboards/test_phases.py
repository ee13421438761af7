"""A data lead accepts the run chart's suggested new phase with one click, and undoes it:
recorded with who, when and why; the chart then draws a new median from that date. Only
roles with ACCEPT_PHASES may, and only in their own authority."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from permanence.charts import PhaseStart
from permanence.pages import aim_page as aim_page_module
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import PHASE_REASON_DEFAULT, AcceptedPhase
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.kernel.versions import data_version

from .conftest import IMPROVEMENT_START
from .test_pages import specs

RUN_CHART = "chart-aim_2-run-chart"


def rows(spec: Any) -> list[dict[str, Any]]:
    """Every row of every inline dataset in a Vega-Lite spec."""
    found: list[dict[str, Any]] = []
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            found += [row for row in data["values"] if isinstance(row, dict)]
        found += [item for key, value in spec.items() if key != "data" for item in rows(value)]
    elif isinstance(spec, list):
        found += [item for value in spec for item in rows(value)]
    return found


def run_chart(client: Client, aim: str = "aim_2") -> dict[str, Any]:
    return specs(client.get(f"/aims/{aim}/").content.decode())[f"chart-{aim}-run-chart"]


def medians(spec: dict[str, Any]) -> dict[int, float]:
    return {row["phase"]: row["median"] for row in rows(spec) if "line" in row}


def waits(spec: dict[str, Any]) -> list[tuple[date, float]]:
    """The chart's dots, in the chart's order: (date, weeks waited)."""
    return [
        (date.fromisoformat(row["date"][:10]), row["value"])
        for row in rows(spec)
        if "value_text" in row
    ]


def accept(
    client: Client, on: date, baseline_n: int, reason: str = "Built in", aim: str = "aim_2"
) -> Any:
    return client.post(
        reverse("dashboard-aim-phase-accept", args=[aim]),
        {"starts_on": on.isoformat(), "baseline_n": baseline_n, "reason": reason},
    )


def suggest(monkeypatch: pytest.MonkeyPatch, *phases: PhaseStart) -> None:
    """Make the run chart suggest ``phases``: which charts suggest one is the core's
    business (tests/core/pages); here the view must accept only what is suggested."""
    monkeypatch.setattr(aim_page_module, "suggested_phases", lambda *args: phases)


def phases_of(authority: LocalAuthority) -> list[AcceptedPhase]:
    with scoped_to(Scope.authority(authority.pk)):
        return list(AcceptedPhase.objects.select_related("accepted_by"))


def test_accepting_records_who_when_and_why_and_redraws_the_median(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    before = run_chart(client)
    assert set(medians(before)) == {1}
    dots = waits(before)
    on = dots[len(dots) * 2 // 3][0]
    assert on > IMPROVEMENT_START
    later = [weeks for day, weeks in dots if day >= on]
    suggest(monkeypatch, PhaseStart(on, len(later)))

    response = accept(client, on, len(later), reason="Weekly tracking is how we work now")
    assert response.status_code == 302
    [phase] = phases_of(authority_a)
    assert (phase.aim_id, phase.starts_on, phase.baseline_n) == ("aim_2", on, len(later))
    assert phase.accepted_by == users_a[Role.DATA_LEAD]
    assert phase.reason == "Weekly tracking is how we work now"
    assert phase.accepted_at is not None

    page = client.get(response["Location"]).content.decode()
    assert "New phase accepted from" in page  # the banner
    assert "Weekly tracking is how we work now" in page
    assert (
        users_a[Role.DATA_LEAD].username in page or users_a[Role.DATA_LEAD].get_full_name() in page
    )
    after = medians(specs(page)[RUN_CHART])
    assert after[2] == pytest.approx(statistics.median(later), abs=1e-3)
    assert after[1] == medians(before)[1]


def test_undo_removes_the_phase_and_history_keeps_it(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    dots = waits(run_chart(client))
    on = dots[len(dots) // 2][0]
    suggest(monkeypatch, PhaseStart(on, 9))
    accept(client, on, 9)
    [phase] = phases_of(authority_a)
    assert 2 in medians(run_chart(client))
    assert "Undo the phase from" in client.get("/aims/aim_2/").content.decode()

    response = client.post(reverse("dashboard-aim-phase-undo", args=["aim_2", phase.pk]))
    assert response.status_code == 302
    assert phases_of(authority_a) == []
    page = client.get(response["Location"]).content.decode()
    assert "Undone: the new phase from" in page
    assert set(medians(specs(page)[RUN_CHART])) == {1}
    with scoped_to(Scope.authority(authority_a.pk)):
        kept = list(
            AcceptedPhase.history.filter(id=phase.pk)
            .order_by("history_id")
            .values_list("history_type", "history_user", "reason")
        )
    lead = users_a[Role.DATA_LEAD].pk
    assert kept == [("+", lead, "Built in"), ("-", lead, "Built in")]


def test_posting_the_accept_twice_keeps_one_phase(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    on = waits(run_chart(client))[20][0]
    suggest(monkeypatch, PhaseStart(on, 9))
    accept(client, on, 9)
    response = accept(client, on, 9, reason="Clicked again")
    assert response.status_code == 302
    [phase] = phases_of(authority_a)
    assert phase.reason == "Built in"
    assert "already accepted" in client.get(response["Location"]).content.decode()


def test_a_phase_needs_a_reason(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    on = waits(run_chart(client))[20][0]
    response = accept(client, on, 9, reason="   ")
    assert phases_of(authority_a) == []
    assert "Say why the group accepts" in client.get(response["Location"]).content.decode()


def test_a_suggested_phase_carries_a_one_click_form_for_the_data_lead_only(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Which charts suggest a phase is the core's business (tests/core/pages): here, one is.
    suggested = PhaseStart(IMPROVEMENT_START - timedelta(days=60), 9)
    suggest(monkeypatch, suggested)
    page = as_role(Role.DATA_LEAD).get("/aims/aim_2/").content.decode()
    assert "Accept the new phase from" in page
    assert PHASE_REASON_DEFAULT in page
    assert f'name="starts_on" value="{suggested.on.isoformat()}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    # It began before the improvement work: the form says so.
    assert "began before the improvement work did" in page
    for role in (Role.VIEWER, Role.PRACTITIONER):
        page = as_role(role).get("/aims/aim_2/").content.decode()
        assert "A data lead can accept it" in page
        assert "Accept the new phase from" not in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRACTITIONER])
def test_others_cannot_accept_or_undo_even_by_posting(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    users_a: dict[Role, User],
    role: Role,
) -> None:
    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        kept = AcceptedPhase.objects.create(
            authority=authority_a,
            aim_id="aim_2",
            starts_on=date(2025, 6, 1),
            baseline_n=9,
            accepted_by=users_a[Role.DATA_LEAD],
        )
    client = as_role(role)
    assert accept(client, date(2025, 1, 6), 9).status_code == 403
    undo = reverse("dashboard-aim-phase-undo", args=["aim_2", kept.pk])
    assert client.post(undo).status_code == 403
    assert [p.pk for p in phases_of(authority_a)] == [kept.pk]
    assert "Undo the phase from" not in client.get("/aims/aim_2/").content.decode()


def test_authority_as_administrator_cannot_accept_or_undo_for_authority_b(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    users_b: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, authority_b = synthetic
    suggest(monkeypatch, PhaseStart(date(2022, 6, 1), 9))
    with scoped_to(Scope.authority(authority_b.pk)):
        bs = AcceptedPhase.objects.create(
            authority=authority_b,
            aim_id="aim_2",
            starts_on=date(2022, 6, 1),
            baseline_n=9,
            accepted_by=users_b[Role.DATA_LEAD],
        )
    client = as_role(Role.ADMINISTRATOR)
    undo = reverse("dashboard-aim-phase-undo", args=["aim_2", bs.pk])
    assert client.post(undo).status_code == 404
    # Accepting writes only in the person's own authority, whatever they post.
    accept(client, date(2022, 6, 1), 9)
    assert [(p.pk, p.reason) for p in phases_of(authority_b)] == [(bs.pk, bs.reason)]
    assert [p.authority_id for p in phases_of(authority_a)] == [authority_a.pk]


def test_a_forged_date_the_chart_does_not_suggest_is_refused_and_nothing_is_kept(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    users_a: dict[Role, User],
) -> None:
    """Read with the real rules: a date the aim's page does not offer (any child's date
    that is not a suggested phase's first child) posted by hand saves nothing."""
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    page = client.get("/aims/aim_2/").content.decode()
    offered = set(re.findall(r'name="starts_on" value="([0-9-]+)"', page))
    forged = next(day for day, _ in waits(run_chart(client))[5:] if day.isoformat() not in offered)
    version = data_version(authority_a.pk)
    response = accept(client, forged, 9, reason="Forged by hand")
    assert response.status_code == 302
    assert phases_of(authority_a) == []
    assert data_version(authority_a.pk) == version  # nothing changed, nothing redrawn
    shown = client.get(response["Location"]).content.decode()
    assert f"The run chart does not suggest a new phase from {forged:%-d %B %Y}" in shown
    assert "nothing was accepted" in shown
    assert set(medians(run_chart(client))) == {1}


def test_the_suggested_phase_is_kept_with_the_charts_own_count_whatever_is_posted(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    on = waits(run_chart(client))[20][0]
    suggest(monkeypatch, PhaseStart(on, 9))
    # One day later than suggested: refused.
    accept(client, on + timedelta(days=1), 9)
    assert phases_of(authority_a) == []
    # The suggested day with a forged count: kept with the chart's own count.
    accept(client, on, 3)
    assert [(p.starts_on, p.baseline_n) for p in phases_of(authority_a)] == [(on, 9)]
