"""Real concurrency: the product as it runs (gunicorn serving it, workers running its
queue, the command line), each a process of its own, on its own database: an SQLite
file, or a PostgreSQL database when the suite runs on PostgreSQL.

- a double-submitted load is loaded once and plans every meeting exactly once;
- two command-line imports into one authority: one loads, the other says in a sentence
  that another load is under way and exits 3, no traceback;
- a load of another batch of the same authority waits its turn, with two workers;
- every page asked for while an extract loads answers 200, its views of children's
  records are all logged, and the progress moves while it loads.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .running import Site, Template, drop_template, make_template, on_postgres, running_site

LEAD = "data_lead"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    made = make_template(tmp_path_factory.mktemp("site-template"))
    yield made
    drop_template(made)


@pytest.fixture
def site(template: Template, tmp_path: Path) -> Iterator[Site]:
    with running_site(tmp_path, template) as running:
        prepared = running.script("prepare", first_children=30)
        running.sessions = prepared["sessions"]
        running.child = prepared["child"]
        yield running


def previewed(site: Site, name: str, children: int, seed: int) -> int:
    folder = site.folder / f"extract-{name}"
    site.script("extract", folder=str(folder), children=children, seed=seed)
    return int(site.script("preview", folder=str(folder), name=name)["batch"])


def settled(state: dict[str, Any]) -> bool:
    """Every job has ended and the queue has planned after the last load."""
    jobs = state["jobs"]
    return bool(jobs) and all(job["state"] in ("done", "failed") for job in jobs)


def of_kind(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [job for job in state["jobs"] if job["kind"] == kind]


def test_a_double_submitted_load_is_loaded_once_and_plans_every_meeting_once(
    site: Site,
) -> None:
    batch = previewed(site, "double", children=300, seed=3)
    site.serve()
    site.start_worker()
    clicks: list[tuple[int, str]] = []
    together = threading.Barrier(2)

    def click() -> None:
        together.wait()
        clicks.append(site.post(f"/imports/{batch}/load/", LEAD))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in clicks] == [302, 302]
    assert {where for _, where in clicks} == {f"/imports/{batch}/"}

    def planned_after(state: dict[str, Any]) -> list[dict[str, Any]]:
        return [job for job in of_kind(state, "replan") if job["batch"] == batch]

    state = site.wait_for(
        lambda s: settled(s) and planned_after(s), what="the load and its planning"
    )
    [load] = of_kind(state, "load")
    assert (load["state"], load["attempts"]) == ("done", 1), state
    [replan] = planned_after(state)
    assert replan["state"] == "done", state
    loaded = [b for b in state["batches"] if b["status"] == "loaded"]
    assert [b["id"] for b in loaded][-1] == batch
    planning = site.script("planning")
    assert planning["planned"] > 0
    assert planning["twice"] == 0
    assert planning["same_after_full_replan"], "a load's planning missed or added meetings"


def test_two_command_line_imports_into_one_authority_load_once_and_refuse_once(
    site: Site,
) -> None:
    folder = site.folder / "extract-cli"
    site.script("extract", folder=str(folder), children=1200, seed=5)
    arguments = ("import", str(folder), "--authority", "ALPHA", "--extract-date", "2025-03-31")
    before = len(site.script("state")["batches"])
    first, second = site.permanence(*arguments), site.permanence(*arguments)
    outcomes = [(process.wait(timeout=600), *process.communicate()) for process in (first, second)]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes[0] in (0, 1) and codes[1] == 3, outcomes
    _, _, refused = max(outcomes, key=lambda outcome: outcome[0])
    assert refused.strip() == (
        "permanence import: Another extract is being loaded into Alpha Council's records "
        "now; nothing was loaded. Try again when it has finished."
    )
    for _, _, errors in outcomes:
        assert "Traceback" not in errors
    after = site.script("state")["batches"]
    assert len(after) == before + 1 and after[-1]["status"] == "loaded"


def test_a_load_of_another_batch_of_the_authority_waits_its_turn(site: Site) -> None:
    batches = [previewed(site, "one", 700, 11), previewed(site, "two", 700, 12)]
    site.serve()
    site.start_worker("worker-1")
    site.start_worker("worker-2")
    site.wait_for_workers()  # both ready, so the second load meets the first under way
    for batch in batches:
        assert site.post(f"/imports/{batch}/load/", LEAD)[0] == 302
    seen_waiting = False
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        state = site.script("state")
        loads = of_kind(state, "load")
        seen_waiting |= any("Waiting for another extract" in job["stage"] for job in loads)
        if len(loads) == 2 and all(job["state"] in ("done", "failed") for job in loads):
            break
        time.sleep(0.5)
    if on_postgres():
        # The second worker takes the second load while the first loads, and finds the
        # authority locked. (On SQLite it usually cannot even take it from the queue until
        # the first load commits, the database having one write lock: the order below is
        # what holds on both.)
        assert seen_waiting, "the second load never waited for the first"
    assert [(job["state"], job["attempts"]) for job in loads] == [("done", 1), ("done", 1)]
    loaded_at = {b["id"]: b["loaded_at"] for b in state["batches"] if b["id"] in batches}
    first, later = sorted(loads, key=lambda job: loaded_at[job["batch"]])
    # The later one's try that loaded began only once the first had committed.
    assert later["started_at"] > loaded_at[first["batch"]]


def test_every_page_answers_while_an_extract_loads(site: Site) -> None:
    batch = previewed(site, "big", children=2500, seed=9)
    site.serve(workers=3)
    site.start_worker()
    assert site.post(f"/imports/{batch}/load/", LEAD)[0] == 302
    [load] = of_kind(site.script("state"), "load")
    progress = f"/work/{load['id']}/progress.json"

    def figures() -> dict[str, Any]:
        status, body = site.get(progress, LEAD)
        assert status == 200
        return dict(json.loads(body))

    deadline = time.monotonic() + 300
    while figures()["stage"] != "Loading the records":
        assert time.monotonic() < deadline, "the load never started loading"
        time.sleep(0.2)

    first_child = site.child
    pages = [
        "/",
        "/children/",
        f"/children/{first_child}/",
        f"/imports/{batch}/",
        "/imports/",
        "/reports/",
    ]
    answers: list[tuple[str, int]] = []
    done_values: list[int] = []
    loading = threading.Event()
    loading.set()

    def person(offset: int) -> None:
        turn = offset
        while loading.is_set():
            path = pages[turn % len(pages)]
            answers.append((path, site.get(path, LEAD)[0]))
            turn += 1

    people = [threading.Thread(target=person, args=(offset,)) for offset in range(3)]
    for thread in people:
        thread.start()
    try:
        while True:
            now = figures()
            if now["finished"]:
                break
            if now["stage"] == "Loading the records":
                done_values.append(now["done"])
            assert time.monotonic() < deadline + 600, "the load did not finish"
            time.sleep(0.5)
    finally:
        loading.clear()
        for thread in people:
            thread.join()
    assert now["state"] == "done", now
    assert len(answers) >= 6, "too few requests were made while the extract loaded"
    assert [answer for answer in answers if answer[1] != 200] == []
    assert len(set(done_values)) >= 2, f"the progress did not move: {done_values}"
    # Every view of a child's record is in the audit log (kept meanwhile, logged after).
    views = sum(1 for path, _ in answers if path == f"/children/{first_child}/")
    site.wait_for(lambda s: s["record_views"] >= views, timeout=120, what="the views logged")
