"""A running copy of the product for the concurrency tests: its own database (an SQLite
file, or a PostgreSQL database of its own when the suite runs on PostgreSQL), gunicorn
serving it and workers running its queue, each a real process, with the production
settings. Requests go to it over HTTP on 127.0.0.1 from the test's threads.

The database is migrated once per test process (``template``) and copied for each test.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

SCRIPT = Path(__file__).with_name("sitescript.py")
CSRF = "a" * 32  # any 32 letters: the cookie and the header must only agree


def server_url() -> str:
    return os.environ.get("PERMANENCE_DATABASE_URL", "")


def on_postgres() -> bool:
    return server_url().startswith(("postgres://", "postgresql://"))


def _environment(data_dir: Path, database_url: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "permanence.web.settings.production",
            "PERMANENCE_SECRET_KEY": "test-only-not-secret",
            "PERMANENCE_PSEUDONYM_KEY": secrets.token_urlsafe(48),
            "PERMANENCE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PERMANENCE_DATA_DIR": str(data_dir),
            "PERMANENCE_DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
            # Every request renews its session's idle clock, so that requests made while a
            # load holds the embedded database meet the renewal that must wait for it.
            "PERMANENCE_SESSION_RENEW_SECONDS": "0",
        }
    )
    return environment


def _database_url(name: str) -> str:
    return urlparse(server_url())._replace(path=f"/{name}").geturl()


def _postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as connection:
        connection.execute(statement)


@dataclass(frozen=True)
class Template:
    """A migrated, empty database to copy: a file, or a PostgreSQL template database."""

    location: str


def make_template(folder: Path) -> Template:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if on_postgres():
        name = f"permanence_site_template_{worker}_{os.getpid()}"
        _postgres(f'DROP DATABASE IF EXISTS "{name}"')
        _postgres(f'CREATE DATABASE "{name}"')
        url = _database_url(name)
    else:
        url = f"sqlite://{folder / 'permanence.sqlite3'}"
        name = str(folder / "permanence.sqlite3")
    _run(
        [sys.executable, "-m", "permanence", "manage", "migrate", "-v0"], _environment(folder, url)
    )
    return Template(name)


def drop_template(template: Template) -> None:
    if on_postgres():
        _postgres(f'DROP DATABASE IF EXISTS "{template.location}" WITH (FORCE)')


def _run(command: list[str], environment: dict[str, str]) -> str:
    completed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        command, env=environment, capture_output=True, text=True, check=False, timeout=600
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{command[2:4]} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    folder: Path
    template: Template
    database: str = ""
    environment: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    port: int = 0
    sessions: dict[str, str] = field(default_factory=dict)
    child: int = 0  # a child of the authority's, from its first extract
    logs: list[Path] = field(default_factory=list)

    def create(self) -> None:
        data = self.folder / "data"
        data.mkdir(parents=True)
        if on_postgres():
            self.database = f"permanence_site_{uuid.uuid4().hex[:12]}"
            _postgres(f'CREATE DATABASE "{self.database}" TEMPLATE "{self.template.location}"')
            url = _database_url(self.database)
        else:
            shutil.copy(self.template.location, data / "permanence.sqlite3")
            url = f"sqlite://{data / 'permanence.sqlite3'}"
        self.environment = _environment(data, url)

    def destroy(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.database:
            _postgres(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # -- the site's own processes ---------------------------------------------------------

    def script(self, command: str, **arguments: Any) -> Any:
        """A ``sitescript`` command's answer."""
        output = _run(
            [sys.executable, str(SCRIPT), command, json.dumps(arguments)], self.environment
        )
        return json.loads(output.strip().splitlines()[-1])

    def permanence(self, *arguments: str) -> subprocess.Popen[str]:
        """``permanence ...`` started (not waited for), its output kept."""
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "permanence", *arguments],
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        self.logs.append(log)
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603
                command, env=self.environment, stdout=output, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def serve(self, workers: int = 3) -> None:
        self.port = _free_port()
        self._start(
            "gunicorn",
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "permanence.web.wsgi:application",
                *("--bind", f"127.0.0.1:{self.port}"),
                *("--workers", str(workers), "--timeout", "300"),
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/accounts/login/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start:\n" + self.log_text())

    def start_worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        return self._start(
            name, [sys.executable, "-m", "permanence", "worker", "--interval", "0.2"]
        )

    def wait_for_workers(self, timeout: float = 180) -> None:
        """Until every worker started has said it is ready (start-up is slow when busy)."""
        deadline = time.monotonic() + timeout
        for log in (log for log in self.logs if log.name.startswith("worker")):
            while "Starting worker" not in log.read_text(errors="replace"):
                if time.monotonic() > deadline:
                    raise AssertionError("a worker did not start:\n" + self.log_text())
                time.sleep(0.3)

    def log_text(self) -> str:
        return "\n".join(
            f"== {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in self.logs
        )

    # -- HTTP ----------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, role: str | None, body: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        if role is not None:
            headers["Cookie"] = f"sessionid={self.sessions[role]}; csrftoken={CSRF}"
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": "https://127.0.0.1",
                    "X-CSRFToken": CSRF,
                }
            )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path: str, role: str | None = None) -> tuple[int, bytes]:
        status, _, content = self._request("GET", path, role)
        return status, content

    def post(self, path: str, role: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        status, headers, _ = self._request("POST", path, role, urlencode(data or {}))
        return status, headers.get("Location", "")

    # -- waiting -------------------------------------------------------------------------

    def wait_for(self, done: Any, *, timeout: float = 600, what: str = "") -> Any:
        """Ask ``state`` until ``done(state)`` is true; returns that state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.script("state")
            if done(current):
                return current
            time.sleep(1)
        raise AssertionError(f"timed out waiting for {what}: {current}\n{self.log_text()}")


@contextmanager
def running_site(folder: Path, template: Template) -> Iterator[Site]:
    site = Site(folder, template)
    site.create()
    try:
        yield site
    finally:
        site.destroy()
