"""Fixtures for bringing extracts in through the import command."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from permanence.cli.main import main

Loader = Callable[..., dict[str, Any]]


@pytest.fixture
def load_extract(capsys: pytest.CaptureFixture[str]) -> Loader:
    """Import an extract with ``permanence import`` and return what it printed (JSON)."""

    def _load(folder: Path, extract_date: date, *extra: str) -> dict[str, Any]:
        arguments = [
            "import",
            str(folder),
            "--authority",
            "ALPHA",
            "--extract-date",
            extract_date.isoformat(),
            "--json",
            *extra,
        ]
        code = main(arguments)
        out = capsys.readouterr().out
        assert code == 0, out
        return dict(json.loads(out))

    return _load
