"""``permanence manage sweep_uploads``: remove the upload folders a crash left behind.

The worker does this once a day; this does it now. A folder goes when no import waiting
to be loaded points at it and nothing in it has changed for a day (``--hours`` to choose
another wait). Prints each folder removed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from permanence.web.records.uploads import LEFT_FOR, sweep_upload_folders


class Command(BaseCommand):
    help = (
        "Remove the upload folders no import waiting to be loaded points at, left for a day "
        "or more (a process killed while checking an upload leaves its folder)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=LEFT_FOR.total_seconds() / 3600,
            help="how long a folder is left untouched before it goes (default: 24)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep_upload_folders(left_for=timedelta(hours=options["hours"]))
        for folder in removed:
            self.stdout.write(f"removed {folder}")
        self.stdout.write(f"{len(removed)} upload folder(s) removed")
