"""The production settings pass Django's deployment checks and the product's own, take
their secrets from the environment, and refuse to start without them or with a weak
pseudonym key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "permanence.web.settings.production",
    "PERMANENCE_SECRET_KEY": "a-test-secret-key-of-fifty-characters-or-more-0123456789",
    # Made afresh for each run, as the docs say: a key written down here would be a known
    # one, and someone might copy it into a real server.
    "PERMANENCE_PSEUDONYM_KEY": secrets.token_urlsafe(48),
    "PERMANENCE_FROM_EMAIL": "permanence@council.example.org",
    "PERMANENCE_ALLOWED_HOSTS": "permanence.example.org",
    "PERMANENCE_DATABASE_URL": "postgres://permanence@db.example.org:5432/permanence",
}


def _django(*arguments: str, without: str = "", **changes: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **PRODUCTION_ENVIRONMENT, **changes}
    environment.pop(without, None)
    # The browser tests set this for their live server; production never does.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "permanence", "manage", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deployment_checks_find_nothing() -> None:
    result = _django("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deployment_checks_include_the_products_own() -> None:
    from django.core.checks import registry

    deploy_checks = {check.__name__ for check in registry.registry.get_checks(True)}
    assert {
        "pseudonym_key_is_strong",
        "sign_in_is_throttled",
        "email_is_sent_from_a_real_address",
        "hosts_are_named",
        "second_factor_is_required",
    } <= deploy_checks
    result = _django(
        "check", "--deploy", "--fail-level", "WARNING", PERMANENCE_FROM_EMAIL="a@localhost"
    )
    assert result.returncode != 0
    assert "permanence.W104" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "weak",
    [
        "dummy",
        "development-pseudonym-key",
        "short-but-random-Xk29fQ",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "correct horse battery staple and then some more words here",
    ],
)
def test_production_will_not_start_with_a_weak_pseudonym_key(weak: str) -> None:
    result = _django("check", PERMANENCE_PSEUDONYM_KEY=weak)
    assert result.returncode != 0
    assert "PERMANENCE_PSEUDONYM_KEY is weak" in result.stderr
    assert "secrets.token_urlsafe(48)" in result.stderr


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


def test_the_deployment_checks_warn_when_administrators_need_no_second_factor() -> None:
    result = _django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PERMANENCE_SECOND_FACTOR_ROLES="administrator",
    )
    assert result.returncode != 0
    assert "permanence.W108" in result.stderr + result.stdout
    assert "data_lead" in result.stderr + result.stdout
