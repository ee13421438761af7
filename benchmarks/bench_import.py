"""Validating and loading an extract of about 100,000 rows, on SQLite and on PostgreSQL.

Issue 4 asks that a 100,000-row extract be validated and loaded in under 20 seconds on
both databases. This times ``import_extract``, the function behind ``permanence import``
and the web app's "Load" button: it reads the files, runs every validation rule, and
loads what passed in one transaction (the natural-key upsert, the history records and
the import's stored issues). Three loads in a row into the same authority:

1. **first**: an empty authority, every row added;
2. **again**: the same extract, every row unchanged (the repeat load of a daily export);
3. **messy**: the same children with ``--messy`` problems, so rows are refused, changed,
   and some are no longer in the extract.

Each database runs in its own process (Django's settings are per process): SQLite in a
fresh file under ``var/bench/import``, PostgreSQL in a database ``permanence_bench_import``
made on the server named by ``PERMANENCE_DATABASE_URL`` (default: the local server). A
database that cannot be reached is reported, not skipped silently.

Run with ``python -m benchmarks.bench_import``. The figures are measured, never asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.data import BENCH_DIR, END, synthetic_extract

CHILDREN = 5_000  # about 20 rows per child across the six tables: about 100,000 rows
SEED = 1
AUTHORITY = "BENCH"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "permanence_bench_import"
WORK_DIR = BENCH_DIR / "import"


def _rows(folder: Path) -> int:
    """Data rows across the extract's CSV files (each file's header line not counted)."""
    total = 0
    for path in folder.glob("*.csv"):
        with path.open("rb") as handle:
            total += sum(1 for _ in handle) - 1
    return total


# ---------------------------------------------------------------------------------------
# One database, in its own process


def _load_three_times(clean: Path, messy: Path) -> list[dict[str, object]]:
    """Runs in the child process, with the database chosen by its environment."""
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from permanence.web.accounts.models import LocalAuthority
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.records.importing import import_extract

    call_command("migrate", verbosity=0, interactive=False)
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.create(code=AUTHORITY, name="Benchmark Council")
    extract_date = date.fromisoformat(END)
    results = []
    for name, folder in (("first", clean), ("again", clean), ("messy", messy)):
        files = sorted(folder.glob("*.csv"))
        started = time.perf_counter()
        outcome = import_extract(
            files, authority=authority, extract_date=extract_date, max_bytes=1 << 31
        )
        seconds = time.perf_counter() - started
        load = outcome.load.as_dict() if outcome.load is not None else {}
        results.append(
            {
                "load": name,
                "seconds": seconds,
                "issues": outcome.validation.issues.height,
                "added": sum(t["added"] for t in load.values()),
                "changed": sum(t["changed"] for t in load.values()),
                "unchanged": sum(t["unchanged"] for t in load.values()),
                "gone": sum(t["no_longer_in_extract"] for t in load.values()),
            }
        )
    return results


def _run_child(environment: dict[str, str], clean: Path, messy: Path) -> list[dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_import", "--child", str(clean), str(messy)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr.strip().splitlines()[-1] if completed.stderr else "")
    return list(json.loads(completed.stdout.strip().splitlines()[-1]))


def _base_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "permanence.web.settings.development",
            "PERMANENCE_DATA_DIR": str(WORK_DIR),
        }
    )
    return environment


def _sqlite_environment() -> dict[str, str]:
    if WORK_DIR.exists():
        shutil.rmtree(WORK_DIR)
    WORK_DIR.mkdir(parents=True)
    environment = _base_environment()
    environment.pop("PERMANENCE_DATABASE_URL", None)
    return environment


def _postgres_environment() -> dict[str, str]:
    import psycopg

    server = os.environ.get("PERMANENCE_DATABASE_URL", DEFAULT_SERVER)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    environment = _base_environment()
    environment["PERMANENCE_DATABASE_URL"] = (
        urlparse(server)._replace(path=f"/{PG_DATABASE}").geturl()
    )
    return environment


def main() -> None:
    clean = synthetic_extract(CHILDREN, SEED)
    messy = synthetic_extract(CHILDREN, SEED, messy=True)
    print(
        f"import_extract (read, validate, load in one transaction): {CHILDREN:,} synthetic "
        f"children, {_rows(clean):,} rows clean, {_rows(messy):,} rows messy"
    )
    print(
        f"{'database':>10} {'load':>6} {'seconds':>8} {'issues':>7} {'added':>8} "
        f"{'changed':>8} {'unchanged':>10} {'gone':>6}"
    )
    for database, environment in (
        ("SQLite", _sqlite_environment),
        ("PostgreSQL", _postgres_environment),
    ):
        try:
            results = _run_child(environment(), clean, messy)
        except Exception as error:
            print(f"{database:>10} could not run: {error}")
            continue
        for row in results:
            print(
                f"{database:>10} {row['load']:>6} {row['seconds']:>8.1f} {row['issues']:>7,} "
                f"{row['added']:>8,} {row['changed']:>8,} {row['unchanged']:>10,} "
                f"{row['gone']:>6,}",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(_load_three_times(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main()
