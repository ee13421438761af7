"""``permanence alerts``: the daily digest of what is due, overdue or near a deadline.

Run once a day by cron or a systemd timer (docs/review-planning.md has both). For every
authority it brings the planned meetings up to date, then sends each person who works
with children one email of what is new for the children they work with, and shows the
same in the app. Running it again on the same day sends nothing twice.
"""

from __future__ import annotations

import argparse
import os
import sys

from permanence.cli._common import iso_date


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "alerts",
        help="send each person's daily digest of meetings due and aim deadlines",
        description=(
            "Brings every authority's planned meetings up to date, then emails each person "
            "who works with children one digest of what is overdue, due soon, or near or "
            "past an aim's deadline, and records the same as notifications in the app. "
            "Nobody is told the same thing twice, and a second run on the same day sends "
            "nothing. Uses the settings in DJANGO_SETTINGS_MODULE (the development settings "
            "unless set)."
        ),
    )
    parser.add_argument(
        "--date",
        type=iso_date,
        default=None,
        help="the day to run for, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be sent, and change and send nothing",
    )
    parser.add_argument(
        "--site-url",
        default=os.environ.get("PERMANENCE_SITE_URL", ""),
        help="the web app's address, for links in the emails (default: $PERMANENCE_SITE_URL)",
    )
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.web import setup

    setup()

    from django.utils import timezone

    from permanence.web.planning.alerts import run_alerts

    day = arguments.date or timezone.localdate()
    summary = run_alerts(day, dry_run=arguments.dry_run, site_url=arguments.site_url)
    for line in summary.lines:
        print(line)
    verb = "would have" if summary.dry_run else "had"
    people = "1 person" if summary.people == 1 else f"{summary.people} people"
    print(
        f"{day.isoformat()}: {people} {verb} something to hear about; "
        f"{summary.new_notices} new notices; {summary.emails_sent} digests sent; "
        f"{summary.already_sent_today} already sent today; "
        f"{summary.replanned_periods} care periods replanned."
    )
    for failure in summary.failures:
        print(f"could not send: {failure}", file=sys.stderr)
    return 1 if summary.failures else 0
