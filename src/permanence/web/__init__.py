"""The web layer: the Django project and its apps, which store records and call the core."""

from __future__ import annotations

import os


def setup(settings_module: str = "permanence.web.settings.development") -> None:
    """Configure Django for a command-line entry point, unless a caller already chose settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
