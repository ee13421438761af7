"""``permanence demo``: a synthetic authority on the embedded database, served on localhost,
with a worker beside the web server to run the long work (loads, report packs)."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_DEMO_DIR = Path("var") / "demo"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "demo",
        help="build a synthetic authority on the embedded database and start the web app",
        description=(
            "Creates a fresh embedded database, loads a synthetic local authority "
            "(about 600 children, six years of history), creates one login per role and "
            "starts the web server on localhost, with a worker beside it (a child process, "
            "stopped when the demo stops) to run loads and report packs. Synthetic data only."
        ),
    )
    parser.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    parser.add_argument("--children", type=int, default=600, help="how many children (600)")
    parser.add_argument("--seed", type=int, default=2014, help="the generator's seed (2014)")
    parser.add_argument("--years", type=float, default=6.0, help="years of history (6)")
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DEMO_DIR, help="where the demo database lives"
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="build the demo and stop, without serving it"
    )
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    started = time.perf_counter()
    demo_dir: Path = arguments.dir.resolve()
    # A fresh database every time, so the demo always starts from the same place.
    if demo_dir.exists():
        shutil.rmtree(demo_dir)
    demo_dir.mkdir(parents=True)
    os.environ["PERMANENCE_DATA_DIR"] = str(demo_dir)
    os.environ.pop("PERMANENCE_DATABASE_URL", None)

    from permanence.web import setup

    setup("permanence.web.settings.development")

    from django.core.management import call_command
    from django.utils import timezone

    from permanence.web.demo import DEMO_PASSWORD, DEMO_USERS, build_demo

    summary = build_demo(
        children=arguments.children,
        seed=arguments.seed,
        years=arguments.years,
        as_of=timezone.localdate(),
    )
    elapsed = time.perf_counter() - started
    address = f"http://127.0.0.1:{arguments.port}/"
    print(
        f"\nThe demo is ready ({elapsed:.0f} seconds): {summary.authority.name}, "
        f"{summary.children} synthetic children, {summary.care_periods} care periods.\n"
    )
    print(f"Open {address} and sign in as one of these (password: {DEMO_PASSWORD}):")
    for username, role, _, _ in DEMO_USERS:
        print(f"  {username:<14} {role.label}")
    print()
    if arguments.no_serve:
        return 0
    worker = start_worker()
    # Stopped by a service manager (SIGTERM) as by Ctrl+C: the worker is stopped too.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(0))
    try:
        call_command("runserver", f"127.0.0.1:{arguments.port}", use_reloader=False)
    finally:
        stop_worker(worker)
    return 0


def start_worker() -> subprocess.Popen[bytes]:
    """``permanence worker`` as a child process, with the demo's environment (its folder,
    its database, its settings)."""
    print("Starting the worker that runs loads and report packs beside the web server.")
    return subprocess.Popen([sys.executable, "-m", "permanence", "worker"], env=dict(os.environ))


def stop_worker(worker: subprocess.Popen[bytes], *, patience: float = 30.0) -> int:
    """Stop the worker: it finishes the work under way first (up to ``patience`` seconds)."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return int(worker.returncode)
