"""A small hook: where the report pack (``web/reports``) reads the improvement projects'
progress scores, which the national app keeps (``national.models.ProjectProgress``).

The two apps are on the same floor and may not import each other (docs/architecture.md),
so the national app says here, when it is ready, how to read them.
"""

from __future__ import annotations

from collections.abc import Callable

from permanence.reports.content import ProgressItem

_source: Callable[[], list[ProgressItem]] | None = None


def progress_from(source: Callable[[], list[ProgressItem]]) -> None:
    """Say how the pack reads each project's phase and progress score (once, when ready)."""
    global _source
    _source = source


def progress_items() -> list[ProgressItem]:
    """Each improvement project's phase and progress score now, in the current scope;
    none while no app has said how to read them."""
    return _source() if _source is not None else []
