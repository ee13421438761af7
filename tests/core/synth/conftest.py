"""Generated authorities shared by the synthetic data tests."""

from __future__ import annotations

from datetime import date
from functools import cache

from permanence.journey.tables import JourneyTables
from permanence.synth import generate

END = date(2025, 3, 31)


@cache
def authority(children: int, seed: int, end: date = END) -> JourneyTables:
    """A generated authority, made once per test session: the generator is deterministic
    and its tables are immutable, so tests can share them."""
    return generate(children, seed, end=end)
