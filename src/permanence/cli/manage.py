"""``permanence manage ...``: Django's own management commands (migrate, shell, ...).

The settings are ``permanence.web.settings.development`` unless DJANGO_SETTINGS_MODULE
names others (production sets ``permanence.web.settings.production``).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "manage",
        help="run one of Django's management commands (migrate, createsuperuser, ...)",
        description="Run a Django management command against permanence's settings.",
        add_help=False,
    )
    parser.add_argument("django_arguments", nargs=argparse.REMAINDER)
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "permanence.web.settings.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["permanence manage", *arguments.django_arguments])
    return 0
