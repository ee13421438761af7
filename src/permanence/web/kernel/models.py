"""The kernel's one table: how often each authority's records have changed.

Pages cache the authority's data and every page worked out from it (see
``cache.py``). Each authority has a version number here that every change to its
records or its improvement record moves on, inside the same transaction as the change; a
cached page belongs to the version it was worked out from, so a page is never served from
records that have since changed, whichever server process holds it.

The table was the dashboards app's; it keeps its name (``dashboards_dataversion``), so a
database made before the kernel existed needs no change.
"""

from __future__ import annotations

import uuid

from django.db import models


class DataVersion(models.Model):
    """How many times an authority's records have changed since the dashboards began."""

    authority = models.OneToOneField(
        "accounts.LocalAuthority", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    #: Made afresh whenever the row is, so a cache never mistakes a new row (a database
    #: rebuilt, or a test's rolled back) for the one it read before.
    token = models.UUIDField(default=uuid.uuid4, editable=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "dashboards_dataversion"

    def __str__(self) -> str:
        return f"{self.authority_id}: version {self.version}"

    @property
    def stamp(self) -> str:
        """The version as a cache key part: the row's token and its number."""
        return f"{self.token.hex}:{self.version}"
