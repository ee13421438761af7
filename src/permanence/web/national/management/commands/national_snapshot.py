"""``django-admin national_snapshot``: build the national snapshots (run it each night).

For every authority that shares its figures, builds its snapshot as of the national
reference date unless the one it has is current (same date, records unchanged). Prints
what it did, with the time and the size of each file.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.models import NationalSnapshot
from permanence.web.national.publication import reference_date
from permanence.web.national.sharing import current_shares
from permanence.web.national.snapshots import build_snapshot, is_current


class Command(BaseCommand):
    help = "Build the national snapshot of every sharing authority whose records changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", action="append", default=[], metavar="CODE")
        parser.add_argument("--force", action="store_true", help="rebuild even if current")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = reference_date(timezone.localdate())
        sharing = current_shares()
        with scoped_to(Scope(frozenset(sharing))):
            authorities = list(LocalAuthority.objects.order_by("code"))
        wanted = set(options["authority"])
        for authority in authorities:
            if wanted and authority.code not in wanted:
                continue
            existing = NationalSnapshot.everywhere.filter(authority=authority).first()
            if existing and not options["force"] and is_current(existing, as_of):
                self.stdout.write(f"{authority.code}: current")
                continue
            started = time.perf_counter()
            snapshot = build_snapshot(authority, as_of)
            self.stdout.write(
                f"{authority.code}: {snapshot.care_periods:,} care periods, "
                f"{snapshot.size_bytes / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s"
            )
