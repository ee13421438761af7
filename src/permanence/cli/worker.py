"""``permanence worker``: run the long work the web app queues (loads, report packs, ...)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "worker",
        help="run the queued work: loading extracts, report packs, planning, digests",
        description=(
            "Runs the work the web app puts on its queue, in the same database: loading a "
            "previewed extract, making the report pack, planning reviews after a load, "
            "rebuilding the national snapshot, and each authority's daily alert digest "
            "(queued by the worker itself from PERMANENCE_ALERTS_AT, 07:00 by default). Work "
            "that fails is tried again a few times, then shown as failed to the person who "
            "started it and to administrators. Run one beside the web server (several may "
            "run at once); stop it with SIGTERM or Ctrl+C and the work under way finishes "
            "first. Uses the settings in DJANGO_SETTINGS_MODULE (the development settings "
            "unless set). See docs/deployment.md."
        ),
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how often to look for new work when there is none (default 1)",
    )
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.web import setup

    setup()

    from permanence.web.tasks.worker import run_worker

    run_worker(interval=arguments.interval)
    return 0
