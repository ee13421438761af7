"""``permanence demo`` is still one command: it builds the demo, serves it, and runs a
worker beside the web server, which it stops when it stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended while we looked has no children
            continue
        found += [int(child) for child in text]
    return found


def _command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_the_demo_serves_with_a_worker_and_stops_it_when_it_stops(tmp_path: Path) -> None:
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k != "PERMANENCE_DATABASE_URL"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    demo = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "permanence",
            "demo",
            *("--port", str(port), "--children", "20", "--years", "2"),
            *("--dir", str(tmp_path / "demo")),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert demo.poll() is None, "the demo stopped by itself"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    assert page.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the demo never answered"
                time.sleep(1)
        workers = [pid for pid in _children_of(demo.pid) if "worker" in _command_line(pid)]
        assert len(workers) == 1, [_command_line(pid) for pid in _children_of(demo.pid)]
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
    assert (
        not Path(f"/proc/{workers[0]}").exists()
        or "zombie" in Path(f"/proc/{workers[0]}/status").read_text().lower()
    )
