"""The production settings pass Django's deployment checks, and take their secrets from
the environment, refusing to start without them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "permanence.web.settings.production",
    "PERMANENCE_SECRET_KEY": "a-test-secret-key-of-fifty-characters-or-more-0123456789",
    "PERMANENCE_PSEUDONYM_KEY": "a-test-pseudonym-key",
    "PERMANENCE_ALLOWED_HOSTS": "permanence.example.org",
    "PERMANENCE_DATABASE_URL": "postgres://permanence@db.example.org:5432/permanence",
}


def _django(*arguments: str, without: str = "") -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **PRODUCTION_ENVIRONMENT}
    environment.pop(without, None)
    # The browser tests set this for their live server; production never does.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "django", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deployment_checks_find_nothing() -> None:
    result = _django("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "name",
    [
        "PERMANENCE_SECRET_KEY",
        "PERMANENCE_PSEUDONYM_KEY",
        "PERMANENCE_ALLOWED_HOSTS",
        "PERMANENCE_DATABASE_URL",
    ],
)
def test_production_will_not_start_without_each_of_its_settings(name: str) -> None:
    result = _django("check", without=name)
    assert result.returncode != 0
    assert f"set {name} in the environment" in result.stderr
