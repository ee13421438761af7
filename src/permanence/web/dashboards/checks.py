"""A clear message, at start-up, when the front-end packages have not been installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def front_end_packages_installed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # The first entry is the app's own static folder; the rest are (prefix, path) pairs.
    vendored = cast(list[tuple[str, Path]], settings.STATICFILES_DIRS[1:])
    missing = [str(path) for _, path in vendored if not path.exists()]
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
