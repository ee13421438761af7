"""A pack being made, as a person watches it: the bar and its words move as the worker
reports, without reloading the page, and the result is announced when it is done. The
page passes axe while it runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress


def test_the_progress_bar_moves_while_the_pack_is_made_and_the_result_is_announced(
    sign_in: Callable[[Role], Page],
    live_server: Any,
    demo_authority: LocalAuthority,
    settings: Any,
    tmp_path: Path,
    assert_accessible: Callable[[Page], None],
) -> None:
    settings.DATA_DIR = tmp_path
    with scoped_to(Scope.everything()):
        job = Job.objects.create(
            authority=demo_authority,
            kind=Job.Kind.REPORT_PACK,
            state=Job.State.RUNNING,
            attempts=1,
            started_by=User.objects.get(username=Role.VIEWER.value),
            arguments={"as_of": "2026-09-30", "since": None},
        )
    progress = Progress(job.pk)
    progress.stage("Drawing the charts and writing the files", total=12, unit="charts and files")
    progress.set_done(3)
    progress.write()

    page = sign_in(Role.VIEWER)
    page.goto(f"{live_server.url}/reports/making/{job.pk}/")
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", "3")
    words = page.get_by_role("status")
    expect(words).to_have_text(
        "Drawing the charts and writing the files: 3 of 12 charts and files."
    )
    assert_accessible(page)

    progress.set_done(9)
    progress.write()
    expect(bar).to_have_attribute("value", "9", timeout=15_000)  # no reload: the script
    expect(words).to_contain_text("9 of 12")

    with scoped_to(Scope.everything()):
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.DONE,
            finished_at=timezone.now(),
            result={"token": "not-kept-in-this-test", "words": "The report pack is ready."},
        )
    expect(words).to_have_text("The report pack is ready.", timeout=15_000)
    expect(page.get_by_role("link", name="See the result")).to_be_visible()
    assert page.url.endswith(f"/reports/making/{job.pk}/")  # announced in place
