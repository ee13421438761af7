"""A rate entered by hand: each month's count with its exposure, drawn as a U chart."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import Measure, MeasureSource, MeasureValue
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import Record


def test_a_rates_months_are_entered_with_their_exposure_and_drawn_as_a_u_chart(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.DATA_LEAD])
    authority_id = record_a.project.authority_id
    with scoped_to(Scope.authority(authority_id)):
        measure = Measure.objects.create(
            authority_id=authority_id,
            project=record_a.project,
            kind="balancing",
            title="alpha-moves per 100 care days",
            source=MeasureSource.ENTERED_RATE,
            unit="placement moves",
            exposure="care days",
            chart="control",
        )
    add = reverse("improvement-measure-value-add", args=[measure.pk])
    # A month without its exposure is refused; with it, kept.
    assert client.post(add, {"month": "2025-01", "count": "2"}).status_code == 200
    for month, count, days in (("2025-01", 2, 100), ("2025-02", 5, 200), ("2025-03", 3, 150)):
        response = client.post(add, {"month": month, "count": count, "denominator": days})
        assert response.status_code == 302
    with scoped_to(Scope.authority(authority_id)):
        assert MeasureValue.objects.filter(measure=measure).count() == 3
    values = client.get(reverse("improvement-measure-values", args=[measure.pk])).content
    assert b"Exposure (care days)" in values
    page = client.get(reverse("improvement-measure", args=[measure.pk])).content.decode()
    assert "U chart (rates)" in page
    assert "Placement moves per 100 care days" in page
    # Montgomery's limits worked by hand in tests/core/pages/test_u_chart.py (6.69, 5.38
    # and 5.87 per 100 care days), as the page's table gives them, to one place.
    assert "<td>6.7</td>" in page and "<td>5.4</td>" in page and "<td>5.9</td>" in page
