"""The per-row forms of data queries and of records no longer in the extract, drawn by
the one form renderer, in a real Chromium at 320 px and 1366 px: axe finds nothing, and
nothing scrolls sideways at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import AbsentRecord, Child, ImportBatch, ImportIssue

from .test_other_pages import imported  # noqa: F401 - the fixture


@pytest.mark.parametrize("width", [320, 1366])
def test_the_row_forms_are_accessible_and_reflow(
    sign_in: Callable[[Role], Page],
    live_server: Any,
    imported: ImportBatch,  # noqa: F811
    demo_authority: LocalAuthority,
    assert_accessible: Callable[[Page], None],
    width: int,
) -> None:
    with scoped_to(Scope.authority(demo_authority.pk)):
        refs = (
            ImportIssue.objects.filter(batch=imported, severity="query")
            .exclude(rule="RECORD001")
            .exclude(child_ref="")
            .values_list("child_ref", flat=True)
        )
        child = Child.objects.filter(child_ref__in=list(refs)).order_by("pk").first()
        absent = AbsentRecord.objects.filter(status="awaiting").count()
    assert child is not None, "the messy extract should raise a query on some child"
    page = sign_in(Role.DATA_LEAD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/children/{child.pk}/")
    answer = page.locator("#data-queries form.row-form select.ds_select").first
    expect(answer).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.goto(f"{live_server.url}/data-quality/not-in-extract/")
    if absent:
        expect(page.locator("form.row-form input.ds_input").first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
