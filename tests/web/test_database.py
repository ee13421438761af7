"""The suite runs on the database it was asked to run on."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_tests_use_the_database_named_in_the_environment() -> None:
    url = os.environ.get("PERMANENCE_DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    from django.core.management import call_command

    # Exits with status 1 (SystemExit) when a model differs from its migrations.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
