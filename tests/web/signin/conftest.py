"""A real OpenID Connect provider, started once for the single sign-on tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .provider import Provider, running_provider


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider(Path(tmp_path_factory.mktemp("oidc-provider"))) as provider:
        yield provider
