"""A clear message, at start-up, when the front-end packages have not been installed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def front_end_packages_installed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    missing = [str(path) for _, path in settings.STATICFILES_DIRS[1:] if not path.exists()]
    if not missing:
        return []
    return [
        Error(
            "The front-end packages are not installed.",
            hint="Run `make install` (or `npm ci`) in the repository. Missing: "
            + ", ".join(missing),
            id="permanence.E001",
        )
    ]
