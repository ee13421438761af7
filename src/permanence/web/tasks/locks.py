"""One load at a time for each authority.

A load takes its authority's lock for as long as it checks and writes the extract. A
second load of the same authority either waits its turn (the worker puts it back on the
queue) or is refused at once with a sentence (``permanence import``), never a traceback.

- **PostgreSQL**: a row lock on the authority (``SELECT ... FOR NO KEY UPDATE``), in the
  transaction the load then writes in. It ends with that transaction, whatever ends it.
  ``NO KEY`` so that rows referring to the authority (a view written to the audit log,
  a session) can still be written meanwhile.
- **SQLite** (the embedded database): the database has a single write lock, and every
  transaction takes it when it begins (``transaction_mode`` IMMEDIATE), so writes are
  one at a time already; but that lock cannot tell a load from any other write, nor be
  held while the extract is read and checked. So the load also holds an operating
  system lock on a file beside the database (``flock``): the kernel lets it go when the
  process ends, however it ends, so a killed load never leaves the authority locked.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import OperationalError, connection, transaction

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to


class AuthorityBusy(Exception):  # noqa: N818 - a state of the world, said to a person
    """Another load of the authority holds its lock."""

    def __init__(self, authority: LocalAuthority) -> None:
        super().__init__(
            f"Another extract is being loaded into {authority.name}'s records now; "
            "nothing was loaded. Try again when it has finished."
        )
        self.authority = authority


@contextmanager
def authority_load_lock(authority: LocalAuthority, *, wait: bool) -> Iterator[None]:
    """Hold ``authority``'s load lock in the block, waiting for it or refusing at once.

    On PostgreSQL the block runs inside the transaction that holds the row lock, so the
    load's own transaction inside it is part of that one.
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _lock_row(authority, wait=wait)
            yield
    else:
        with _file_lock(authority, wait=wait):
            yield


def _lock_row(authority: LocalAuthority, *, wait: bool) -> None:
    try:
        with scoped_to(Scope.everything()):
            rows = LocalAuthority.objects.filter(pk=authority.pk).select_for_update(
                nowait=not wait, no_key=True
            )
            list(rows.values_list("pk", flat=True))
    except OperationalError as error:
        if "could not obtain lock" in str(error):
            raise AuthorityBusy(authority) from None
        raise


@contextmanager
def _file_lock(authority: LocalAuthority, *, wait: bool) -> Iterator[None]:
    path = lock_file(authority.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise AuthorityBusy(authority) from None
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def lock_file(authority_id: int) -> Path:
    """The lock file of an authority's loads, beside the embedded database's file (or, for
    a database in memory, in the temporary folder, for this process alone)."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        digest = hashlib.sha256(f"{name}:{os.getpid()}".encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / "permanence-locks" / f"{digest}-{authority_id}.lock"
    database = Path(name)
    return database.with_name(f"{database.name}.load-{int(authority_id)}.lock")
