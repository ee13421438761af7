"""Who was shown which child, where and when.

Changes are kept by django-simple-history on each record; this log holds the views,
which no history library records: a child's record opened, and every list, page
and download that showed who a child is (``what`` says which). It is append-only:
nothing in the app changes or deletes a row, and the admin shows it read-only to
administrators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import AuthorityScopedManager


class RecordView(models.Model):
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_views"
    )
    # The reference is copied so the log still says whose record it was if the record goes.
    # Named, not imported: the records app sits above the log it writes to.
    child = models.ForeignKey(
        "records.Child", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    child_ref = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    what = models.CharField(
        max_length=100, default="a child's record", help_text="What showed the child."
    )

    objects = AuthorityScopedManager["RecordView"]()

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.child_ref} at {self.viewed_at:%d/%m/%Y %H:%M}"
