"""Each authority's data version: moved on by every change to what its pages show.

Every cached page's key holds the authority's version (see ``cache.py``). Each
app that owns something the pages read tells the kernel so once, when it is ready
(``move_on_when_changed``): a row typed in, changed or deleted then moves the version on
inside the transaction making the change, so the new version and the change become
visible together (and both vanish if it rolls back). Bulk writes, which send no per-row
signal (an import), call ``bump`` themselves once they have committed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from permanence.web.kernel.models import DataVersion

_UID = "permanence.kernel.versions"


def data_version(authority_id: int) -> str:
    """The authority's data version, as a stamp for cache keys (see ``DataVersion``)."""
    found = (
        DataVersion.objects.filter(authority_id=authority_id)
        .values_list("token", "version")
        .first()
    )
    if found is None:
        try:
            with transaction.atomic():
                row = DataVersion.objects.create(authority_id=authority_id)
        except IntegrityError:  # another request made it first
            row = DataVersion.objects.get(authority_id=authority_id)
        return row.stamp
    token, version = found
    return f"{token.hex}:{version}"


def bump(authority_id: int) -> None:
    """Move the authority's data version on, in the current transaction: a reader sees the
    new version exactly when it can see the change that moved it."""
    now = timezone.now()
    moved = DataVersion.objects.filter(authority_id=authority_id).update(
        version=F("version") + 1, changed_at=now
    )
    if moved:
        return
    try:
        with transaction.atomic():  # a savepoint: losing a race to create it is harmless
            DataVersion.objects.create(authority_id=authority_id, version=1)
    except IntegrityError:
        DataVersion.objects.filter(authority_id=authority_id).update(
            version=F("version") + 1, changed_at=now
        )


def record_changed(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    """A watched row was saved or deleted: its authority's pages are out of date."""
    if raw:
        return  # fixtures being loaded: no page has read them yet
    authority_id = getattr(instance, "authority_id", None)
    if authority_id is not None:
        bump(authority_id)


def move_on_when_changed(*models: type[Model]) -> None:
    """Move the owning authority's version on whenever a row of one of ``models`` is
    saved or deleted (each app names its own models, in its ``ready``)."""
    for model in models:
        label = model._meta.label
        post_save.connect(record_changed, sender=model, dispatch_uid=f"{_UID}.save.{label}")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"{_UID}.delete.{label}")
