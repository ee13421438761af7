"""Dashboard pages under load: a real server on localhost, 20 people at once.

Issue 5 asks that the dashboard pages of an authority of 5,000 children be served at a
95th percentile under 300 ms with 20 concurrent users on 2 cores. This benchmark:

1. builds (once, then reuses) an authority of 5,000 synthetic children in its own
   database (PostgreSQL ``permanence_bench`` on the server named by
   ``PERMANENCE_DATABASE_URL`` when that is set, otherwise an SQLite file under
   ``var/bench/dashboard``), with its improvement record and a data lead and a viewer;
2. starts gunicorn (the production WSGI server) on 127.0.0.1 with the production
   settings, ``BENCH_WORKERS`` sync workers (4 by default: two per core);
3. for each page, runs 20 simulated people (threads, each its own signed-in session, a
   new connection per request as a browser does with a server that closes them), each
   requesting the page again as soon as the last response has been read in full, for
   ``BENCH_SECONDS`` seconds (15) after a short warm-up, and reports the latency
   percentiles;
4. then moves the authority's data version on (as an import or a typed change does) and
   times the first view of each page afterwards: the cost of working a page out afresh.

Run with ``python -m benchmarks.bench_dashboard`` (``--fresh`` rebuilds the authority).
The figures are measured, never asserted. The load generator runs on the same 2 cores
as the server, so the figures include its cost too.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

REPOSITORY = Path(__file__).resolve().parent.parent
WORK_DIR = REPOSITORY / "var" / "bench" / "dashboard"
CHILDREN = 5_000
USERS = 20
AUTHORITY = "BENCH"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway database
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
WARM_UP_SECONDS = 3.0
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
BENCH_DATABASE = "permanence_bench"
# Production refuses a weak pseudonym key; the benchmark makes a throwaway strong one.
BENCH_PSEUDONYM_KEY = secrets.token_urlsafe(48)


def _environment() -> dict[str, str]:
    """The server's environment: production settings on localhost, a throwaway database."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "permanence.web.settings.production",
            "PERMANENCE_SECRET_KEY": "bench-only-not-secret",
            "PERMANENCE_PSEUDONYM_KEY": BENCH_PSEUDONYM_KEY,
            "PERMANENCE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PERMANENCE_DATA_DIR": str(WORK_DIR),
        }
    )
    server = os.environ.get("PERMANENCE_DATABASE_URL", "")
    # Only a PostgreSQL server gets a database of the benchmark's own; an sqlite:// address
    # (this function's own choice, once the environment has been set from it) is kept.
    if server.startswith(("postgres://", "postgresql://")):
        environment["PERMANENCE_DATABASE_URL"] = _bench_database(server)
    else:
        environment["PERMANENCE_DATABASE_URL"] = f"sqlite://{WORK_DIR / 'permanence.sqlite3'}"
    return environment


def _bench_database(server: str) -> str:
    """The URL of the benchmark's own PostgreSQL database, made if missing."""
    import psycopg

    parsed = urlparse(server)
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return parsed._replace(path=f"/{BENCH_DATABASE}").geturl()


# ---------------------------------------------------------------------------------------
# The authority


@dataclass(frozen=True)
class Prepared:
    sessions: dict[str, list[str]]  # role -> session cookies, one per simulated person
    pages: dict[str, tuple[str, str]]  # page name -> (path, role)
    database: str


def prepare(fresh: bool) -> Prepared:
    """Build the authority if needed (in this process, with the server's settings) and
    sign in one session per simulated person."""
    os.environ.update(_environment())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from permanence.synth import generate
    from permanence.synth.generator import default_improvement_start
    from permanence.web.accounts.models import LocalAuthority, User
    from permanence.web.accounts.roles import Role
    from permanence.web.improvement.demo import prepare_demo_improvement
    from permanence.web.improvement.models import LocalAim
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.records.loading import load_tables
    from permanence.web.records.models import CarePeriod, Child, ImportBatch

    call_command("migrate", verbosity=0, interactive=False)
    today = date.today()
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.filter(code=AUTHORITY).first()
        loaded = authority is not None and Child.objects.filter(authority=authority).exists()
    if fresh or not loaded:
        started = time.perf_counter()
        _remove_authority()
        with scoped_to(Scope.everything()):
            authority = LocalAuthority.objects.create(code=AUTHORITY, name="Benchmark Council")
            batch = ImportBatch.objects.create(authority=authority, source="benchmark")
        load_tables(generate(CHILDREN, 1, end=today), authority=authority, batch=batch)
        with scoped_to(Scope.authority(authority.pk)):
            prepare_demo_improvement(
                authority, as_of=today, improvement_start=default_improvement_start(today)
            )
        for role in (Role.DATA_LEAD, Role.VIEWER):
            User.objects.create_user(
                username=f"bench-{role.value}", password=PASSWORD, authority=authority, role=role
            )
        print(
            f"Built the authority: {CHILDREN:,} children in {time.perf_counter() - started:.0f} s"
        )
    assert authority is not None
    sessions: dict[str, list[str]] = {}
    for role_name in ("data_lead", "viewer"):
        user = User.objects.get(username=f"bench-{role_name}")
        cookies = []
        for _ in range(USERS):
            client = Client()
            client.force_login(user)
            cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        sessions[role_name] = cookies
    with scoped_to(Scope.authority(authority.pk)):
        team = CarePeriod.objects.exclude(team=None).values_list("team__name", flat=True).first()
        local = LocalAim.objects.order_by("pk").first()
        child = CarePeriod.objects.filter(period_end=None).order_by("pk").first()
        periods = CarePeriod.objects.count()
    with scoped_to(Scope.authority(authority.pk)):
        count = Child.objects.count()
    print(f"The authority: {count:,} children, {periods:,} care periods")
    team_query = f"?per=quarter&team={(team or '').replace(' ', '+')}"
    pages = {
        "Aims overview": ("/", "viewer"),
        "Aims overview, filtered": (f"/{team_query}", "viewer"),
        "Aim 2 run chart page": ("/aims/aim_2/", "data_lead"),
        "Aim 4 run chart page": ("/aims/aim_4/", "viewer"),
        "Local aim page": (f"/aims/local_{local.pk}/" if local else "/aims/aim_3/", "viewer"),
        "Where children wait": ("/where-children-wait/", "viewer"),
        "Children list": ("/children/", "data_lead"),
        "A child's journey": (f"/children/{child.child_id if child else 1}/", "data_lead"),
    }
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return Prepared(sessions=sessions, pages=pages, database=database)


def _remove_authority() -> None:
    """Remove a previous benchmark authority by rebuilding the database from scratch."""
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)


def bump_version() -> None:
    """Move the benchmark authority's data version on, as any change to its records does."""
    from permanence.web.accounts.models import LocalAuthority
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.kernel.versions import bump

    with scoped_to(Scope.everything()):
        bump(LocalAuthority.objects.get(code=AUTHORITY).pk)


# ---------------------------------------------------------------------------------------
# The server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "permanence.web.wsgi:application",
            *("--bind", f"127.0.0.1:{port}"),
            *("--workers", str(WORKERS), "--worker-class", "sync"),
            *("--timeout", "120", "--backlog", "256", "--log-level", "warning"),
        ],
        env=_environment(),
        cwd=REPOSITORY,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "/accounts/login/", None)
            if status == 200:
                return server
        except OSError:
            time.sleep(0.25)
    server.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


def request(port: int, path: str, cookie: str | None) -> tuple[int, int, float]:
    """One GET over a new connection: status, bytes and seconds to the last byte."""
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body), time.perf_counter() - started
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------
# CPU: how much each request costs the server, apart from whatever else the machine runs


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers(server: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def _database_backends() -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database (none for SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [int(row[0]) for row in cursor.fetchall()]


def server_cpu(server: subprocess.Popen[bytes]) -> tuple[float, float]:
    """CPU seconds used so far by gunicorn's workers, and by the database's backends."""
    web = sum(_cpu_seconds(pid) for pid in _workers(server))
    database = sum(_cpu_seconds(pid) for pid in _database_backends())
    return web, database


# ---------------------------------------------------------------------------------------
# The load


@dataclass
class Load:
    latencies: list[float]
    errors: int
    size: int
    seconds: float

    def percentile(self, q: float) -> float:
        return float(np.percentile(np.array(self.latencies), q)) * 1000


def run_load(port: int, path: str, cookies: list[str], seconds: float) -> Load:
    """``len(cookies)`` people requesting ``path`` back to back for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    size = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def person(cookie: str) -> None:
        nonlocal errors, size
        while time.monotonic() < deadline:
            try:
                status, length, elapsed = request(port, path, cookie)
            except OSError:
                status, length, elapsed = 0, 0, 0.0
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                    size = length
                else:
                    errors += 1

    started = time.monotonic()
    people = [threading.Thread(target=person, args=(cookie,)) for cookie in cookies]
    for thread in people:
        thread.start()
    for thread in people:
        thread.join()
    return Load(latencies, errors, size, time.monotonic() - started)


def main() -> None:
    fresh = "--fresh" in sys.argv
    prepared = prepare(fresh)
    port = _free_port()
    server = start_server(port)
    cores = os.cpu_count()
    try:
        print(
            f"\ngunicorn, {WORKERS} sync workers, on {cores} cores; {prepared.database}; "
            f"{USERS} concurrent users, {SECONDS:.0f} s per page after {WARM_UP_SECONDS:.0f} s "
            "of warm-up"
        )
        print(
            "web and db: milliseconds of CPU per request used by gunicorn's workers and by the "
            "database; load: the machine's 1-minute load average after each page's run"
        )
        print(
            f"{'page':<26} {'requests':>8} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'max ms':>7} {'errors':>6} {'KB':>6} {'web':>5} {'db':>5} "
            f"{'load':>5}"
        )
        for name, (path, role) in prepared.pages.items():
            cookies = prepared.sessions[role][:USERS]
            run_load(port, path, cookies, WARM_UP_SECONDS)
            web_before, db_before = server_cpu(server)
            load = run_load(port, path, cookies, SECONDS)
            web_after, db_after = server_cpu(server)
            if not load.latencies:
                print(f"{name:<26} no successful responses ({load.errors} errors)")
                continue
            served = len(load.latencies)
            print(
                f"{name:<26} {served:>8} {served / load.seconds:>6.0f} "
                f"{load.percentile(50):>7.0f} {load.percentile(95):>7.0f} "
                f"{load.percentile(99):>7.0f} {max(load.latencies) * 1000:>7.0f} "
                f"{load.errors:>6} {load.size / 1024:>6.0f} "
                f"{(web_after - web_before) / served * 1000:>5.1f} "
                f"{(db_after - db_before) / served * 1000:>5.1f} {os.getloadavg()[0]:>5.1f}",
                flush=True,
            )

        print("\nThe first view of each page after the records change (one request, no load):")
        bump_version()
        for name, (path, role) in prepared.pages.items():
            status, _, elapsed = request(port, path, prepared.sessions[role][0])
            print(f"{name:<26} {elapsed * 1000:>7.0f} ms (status {status})", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps({"workers": WORKERS, "cores": cores, "database": prepared.database}))


if __name__ == "__main__":
    main()
