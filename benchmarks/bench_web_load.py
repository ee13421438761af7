"""A 20,000-child extract loaded through the web app by the worker, with pages asked for
meanwhile, on SQLite and on PostgreSQL.

Issue 16: a 20,000-child extract (about 400,000 rows) loaded inside the web request was
killed at the server's timeout; now the request only queues the load, and the worker
(``permanence worker``) loads it. For each database this benchmark:

1. makes a fresh database (an SQLite file under ``var/bench/webload``, or a PostgreSQL
   database ``permanence_bench_webload`` on the server named by
   ``PERMANENCE_DATABASE_URL``, default the local one), migrates it, and creates an
   authority with a first small extract and a signed-in data lead;
2. starts gunicorn (the production settings, ``BENCH_WORKERS`` sync workers, 2 by
   default) and one worker, as the deployment guide runs them;
3. uploads the 20,000-child extract through the import page (the preview: every row
   checked, every issue kept), then presses "Load the extract" and times it until the
   load's job is done, and until the planning it queued is done too;
4. meanwhile, ``BENCH_PEOPLE`` simulated people (3) ask for pages one after another: the
   overview, the list of children, a child's journey (a view written to the audit log),
   the import's own page and its progress address; their response times are reported;
5. reports the worker's peak memory (its resident set's high-water mark) and the web
   server's.

Run with ``python -m benchmarks.bench_web_load`` (add ``sqlite`` or ``postgresql`` to
run one database only). The figures are measured, never asserted. The people run on
the same two cores as the server and the worker.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from benchmarks.data import BENCH_DIR, END, synthetic_extract

REPOSITORY = Path(__file__).resolve().parent.parent
WORK_DIR = BENCH_DIR / "webload"
CHILDREN = int(os.environ.get("BENCH_CHILDREN", "20000"))
FIRST_CHILDREN = 200
SEED = 1
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "permanence_bench_webload"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway database
BENCH_PSEUDONYM_KEY = secrets.token_urlsafe(48)  # production refuses a weak key
CSRF = "b" * 32


# ---------------------------------------------------------------------------------------
# Setting the database up, in a child process with the server's settings


def _prepare() -> dict[str, object]:
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.test import Client

    from permanence.synth import generate
    from permanence.synth.writers import write_csv
    from permanence.web.accounts.models import LocalAuthority, User
    from permanence.web.accounts.roles import Role
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.records.importing import import_extract
    from permanence.web.records.models import Child

    call_command("migrate", verbosity=0, interactive=False)
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.create(code="BENCH", name="Benchmark Council")
    users = {}
    for role in (Role.DATA_LEAD, Role.ADMINISTRATOR):
        user = User.objects.create_user(
            username=role.value, password=PASSWORD, authority=authority, role=role
        )
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        users[role.value] = client.cookies["sessionid"].value
    folder = WORK_DIR / "first"
    end = date.fromisoformat(END)
    files = write_csv(generate(FIRST_CHILDREN, 99, end=end), folder)
    import_extract(files, authority=authority, extract_date=end)
    with scoped_to(Scope.authority(authority.pk)):
        child = Child.objects.order_by("pk").values_list("pk", flat=True).first()
    return {"sessions": users, "child": child}


def _environment(database_url: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "permanence.web.settings.production",
            "PERMANENCE_SECRET_KEY": "bench-only-not-secret",
            "PERMANENCE_PSEUDONYM_KEY": BENCH_PSEUDONYM_KEY,
            "PERMANENCE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PERMANENCE_DATA_DIR": str(WORK_DIR / "data"),
            "PERMANENCE_DATABASE_URL": database_url,
        }
    )
    return environment


def _fresh(database: str) -> dict[str, str]:
    if WORK_DIR.exists():
        shutil.rmtree(WORK_DIR)
    (WORK_DIR / "data").mkdir(parents=True)
    if database == "SQLite":
        return _environment(f"sqlite://{WORK_DIR / 'data' / 'permanence.sqlite3'}")
    import psycopg

    server = os.environ.get("PERMANENCE_DATABASE_URL", DEFAULT_SERVER)
    if not server.startswith(("postgres://", "postgresql://")):
        server = DEFAULT_SERVER
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return _environment(urlparse(server)._replace(path=f"/{PG_DATABASE}").geturl())


# ---------------------------------------------------------------------------------------
# HTTP


class Web:
    def __init__(self, port: int, sessions: dict[str, str]) -> None:
        self.port = port
        self.sessions = sessions

    def request(
        self,
        method: str,
        path: str,
        role: str,
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> tuple[int, dict[str, str], bytes, float]:
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Cookie": f"sessionid={self.sessions[role]}; csrftoken={CSRF}",
        }
        if method == "POST":
            headers.update(
                {"Content-Type": content_type, "Origin": "https://127.0.0.1", "X-CSRFToken": CSRF}
            )
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            seconds = time.perf_counter() - started
            return response.status, dict(response.getheaders()), content, seconds
        finally:
            connection.close()

    def upload(self, folder: Path) -> tuple[str, float]:
        """The extract uploaded through the import page: where it redirects, and seconds."""
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        fields = {"profile": "canonical", "extract_date": END, "csrfmiddlewaretoken": CSRF}
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for path in sorted(folder.glob("*.csv")):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="extract_files"; '
                f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + path.read_bytes()
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        status, headers, content, seconds = self.request(
            "POST",
            "/imports/new/",
            "data_lead",
            b"".join(parts),
            f"multipart/form-data; boundary={boundary}",
        )
        if status != 302:
            raise RuntimeError(f"the upload answered {status}: {content[:500]!r}")
        return headers["Location"], seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _peak_kilobytes(pid: int) -> int:
    """A process's resident set high-water mark (VmHWM), from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


# ---------------------------------------------------------------------------------------
# One database


def run(database: str, extract: Path) -> dict[str, object]:
    environment = _fresh(database)
    prepared = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_web_load", "--prepare"],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    )
    setup = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = _free_port()
    logs = (WORK_DIR / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "permanence.web.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)),
            *("--timeout", "600", "--log-level", "warning"),
        ],
        env=environment,
        cwd=REPOSITORY,
        stdout=logs,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "permanence", "worker", "--interval", "0.5"],
        env=environment,
        cwd=REPOSITORY,
        stdout=logs,
        stderr=subprocess.STDOUT,
    )
    web = Web(port, setup["sessions"])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if web.request("GET", "/accounts/login/", "data_lead")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        return _measure(web, extract, setup, server, worker)
    finally:
        for process in (worker, server):
            process.send_signal(signal.SIGTERM)
        for process in (worker, server):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def _measure(
    web: Web,
    extract: Path,
    setup: dict[str, object],
    server: subprocess.Popen[bytes],
    worker: subprocess.Popen[bytes],
) -> dict[str, object]:
    location, preview_seconds = web.upload(extract)
    batch = int(location.rstrip("/").rsplit("/", 1)[1])
    started = time.perf_counter()
    status, _, _, _ = web.request("POST", f"/imports/{batch}/load/", "data_lead", b"")
    if status != 302:
        raise RuntimeError(f"the load answered {status}")
    page = web.request("GET", f"/imports/{batch}/", "data_lead")[2].decode()
    match = re.search(r"/work/(\d+)/progress\.json", page)
    if match is None:
        raise RuntimeError("the import's page shows no progress")
    progress = match.group(0)
    pages = {
        "overview": "/",
        "children": "/children/",
        "a child's journey": f"/children/{setup['child']}/",
        "the import's page": f"/imports/{batch}/",
        "its progress": progress,
    }
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    loading = threading.Event()
    loading.set()

    def person(offset: int) -> None:
        names = list(pages)
        turn = offset
        while loading.is_set():
            name = names[turn % len(names)]
            answer, _, _, seconds = web.request("GET", pages[name], "data_lead")
            latencies[name].append(seconds)
            if answer != 200:
                failures[name] += 1
                print(f"  {name} answered {answer}", flush=True)
            turn += 1

    people = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in people:
        thread.start()
    try:
        while True:
            answer, _, content, _ = web.request("GET", progress, "data_lead")
            if answer != 200:  # counted with the pages; keep watching
                failures["watching its progress"] += 1
                print(f"  its progress answered {answer}: {content[:300]!r}", flush=True)
                time.sleep(1)
                continue
            figures = json.loads(content)
            if figures["finished"]:
                break
            time.sleep(1)
        loaded_seconds = time.perf_counter() - started
    finally:
        loading.clear()
        for thread in people:
            thread.join()
    if figures["state"] != "done":
        raise RuntimeError(f"the load ended {figures['state']}: {figures['text']}")
    # Then the planning it queued: the status page lists nothing waiting or running.
    while (
        "Nothing is waiting or running."
        not in web.request("GET", "/work/", "administrator")[2].decode()
    ):
        time.sleep(1)
    planned_seconds = time.perf_counter() - started
    web_pids = _children(server.pid)
    return {
        "preview_seconds": preview_seconds,
        "loaded_seconds": loaded_seconds,
        "planned_seconds": planned_seconds,
        "worker_peak_mb": _peak_kilobytes(worker.pid) / 1024,
        "web_peak_mb": max((_peak_kilobytes(pid) for pid in web_pids), default=0) / 1024,
        "pages": {
            name: {
                "requests": len(times),
                "failed": failures[name],
                "p50_ms": float(np.percentile(times, 50)) * 1000 if times else 0.0,
                "p95_ms": float(np.percentile(times, 95)) * 1000 if times else 0.0,
                "max_ms": max(times) * 1000 if times else 0.0,
            }
            for name, times in latencies.items()
        },
        "watching_failed": failures["watching its progress"],
    }


def _rows(folder: Path) -> int:
    total = 0
    for path in folder.glob("*.csv"):
        with path.open("rb") as handle:
            total += sum(1 for _ in handle) - 1
    return total


def main() -> None:
    extract = synthetic_extract(CHILDREN, SEED)
    print(
        f"A {CHILDREN:,}-child extract ({_rows(extract):,} rows) uploaded, previewed and "
        f"loaded through the web app by one worker; gunicorn with {WORKERS} sync workers; "
        f"{PEOPLE} people asking for pages meanwhile; {os.cpu_count()} cores"
    )
    databases = {"sqlite", "postgresql"}
    # ``python -m benchmarks bench_web_load`` passes the module's name: not a database.
    wanted = {name.lower() for name in sys.argv[1:]} & databases or databases
    for database in ("SQLite", "PostgreSQL"):
        if database.lower() not in wanted:
            continue
        try:
            result = run(database, extract)
        except Exception as error:
            print(f"{database}: could not run: {error}", flush=True)
            continue
        print(
            f"\n{database}: preview {result['preview_seconds']:.1f} s; loaded "
            f"{result['loaded_seconds']:.1f} s after pressing Load; planning done "
            f"{result['planned_seconds']:.1f} s after; worker peak {result['worker_peak_mb']:.0f} "
            f"MB, web worker peak {result['web_peak_mb']:.0f} MB"
        )
        print(
            f"  {'page, while it loads':<22} {'asked':>6} {'failed':>7} {'p50 ms':>8} "
            f"{'p95 ms':>8} {'max ms':>8}"
        )
        for name, row in dict(result["pages"]).items():  # type: ignore[call-overload]
            print(
                f"  {name:<22} {row['requests']:>6} {row['failed']:>7} {row['p50_ms']:>8.0f} "
                f"{row['p95_ms']:>8.0f} {row['max_ms']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        print(json.dumps(_prepare()))
    else:
        main()
