"""Rates per 1,000 children on the process map: a data lead enters how many children live
in the authority each year (with its source), and the flows are divided by it. The
figures are checked against a count of the care periods made here, not the core's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.dashboards.models import ChildPopulation
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import TODAY

PAGE = "/process-map/"
ENTRY = "/process-map/population/"
SOURCE = "National Records of Scotland, mid-year estimates (test figure)"


def _last_whole_quarter_end(today: date) -> date:
    """The last day of the latest quarter that has ended by ``today`` (today included)."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    next_quarter = date(
        first_of_quarter.year + first_of_quarter.month // 10,
        (first_of_quarter.month + 2) % 12 + 1,
        1,
    )
    end_of_quarter = next_quarter - timedelta(days=1)
    return end_of_quarter if end_of_quarter <= today else first_of_quarter - timedelta(days=1)


def test_a_data_lead_enters_the_population_and_the_map_gives_rates_per_1000(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, authority_b = synthetic
    viewer_page = as_role(Role.VIEWER).get(PAGE).content.decode()
    assert "Rates per 1,000 children need how many children" in viewer_page
    assert ENTRY not in viewer_page  # a viewer cannot enter it

    data_lead = as_role(Role.DATA_LEAD)
    end = _last_whole_quarter_end(TODAY)
    saved = data_lead.post(ENTRY, {"year": end.year, "children": "25000", "source": SOURCE})
    assert saved.status_code == 302
    # Entered again (a double click, or a corrected figure): still one row, the new figure.
    data_lead.post(ENTRY, {"year": end.year, "children": "20000", "source": SOURCE})
    with scoped_to(Scope.authority(authority_a.pk)):
        [figure] = ChildPopulation.objects.all()
        assert (figure.year, figure.children) == (end.year, 20_000)
        assert figure.history.count() == 2  # the first figure is kept in the history
        frame = authority_data(authority_a.pk, TODAY).frame
    with scoped_to(Scope.authority(authority_b.pk)):
        assert not ChildPopulation.objects.exists()

    # Children in care at the end of the last whole quarter, counted row by row here.
    in_care = sum(
        1
        for row in frame.iter_rows(named=True)
        if row["period_start"] is not None
        and row["period_start"] <= end
        and (row["period_end"] is None or row["period_end"] > end)
    )
    assert in_care > 0
    body = data_lead.get(PAGE).content.decode()
    # Worked in exact decimals, a half rounded up, as a reader of the page would.
    rate = str((Decimal(in_care) * 1000 / 20_000).quantize(Decimal("0.1"), ROUND_HALF_UP))
    assert f"{rate} in every 1,000 children living in the authority were in care" in body
    assert f"The population is 20,000 children aged 0 to 17 in {end.year} ({SOURCE})." in body
    assert f'<td class="numeric">{rate}</td>' in body
    assert f'<td class="numeric">20,000 ({end.year})</td>' in body
    # The quarters before the only year entered are counted, not listed one by one.
    assert "before the earliest figure entered have no rate" in body


def test_only_those_who_load_the_data_enter_the_population_and_bad_figures_are_refused(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    for role in (Role.VIEWER, Role.PRACTITIONER):
        client = as_role(role)
        assert client.get(ENTRY).status_code == 403
        posted = client.post(ENTRY, {"year": 2024, "children": "1", "source": "x"})
        assert posted.status_code == 403
        client.logout()
    data_lead = as_role(Role.DATA_LEAD)
    for bad in (
        {"year": "2024", "children": "0", "source": SOURCE},
        {"year": "99999", "children": "100", "source": SOURCE},
        {"year": "2024", "children": "-5", "source": SOURCE},
        {"year": "2024", "children": "100", "source": ""},
    ):
        response = data_lead.post(ENTRY, bad)
        assert response.status_code == 200 and "Error: " in response.content.decode()
    with scoped_to(Scope.everything()):
        assert not ChildPopulation.objects.exists()
