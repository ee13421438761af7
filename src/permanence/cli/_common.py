"""What the commands share: the one-line error, JSON output, date arguments, finding an
authority by its code."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from permanence.web.accounts.models import LocalAuthority


class UsageError(Exception):
    """A problem with what the person asked for, reported in one line without a traceback."""


def iso_date(text: str) -> date:
    """An argparse type for dates written as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON; dates become ISO strings."""
    json.dump(payload, sys.stdout, indent=2, default=_jsonable, ensure_ascii=False)
    sys.stdout.write("\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def authority_by_code(code: str) -> LocalAuthority:
    """The authority with ``code`` (Django must be set up), or a usage error naming it."""
    from permanence.web.accounts.models import LocalAuthority
    from permanence.web.kernel.scope import Scope, scoped_to

    # Finding which authority to work for is the one look across authorities.
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.filter(code=code).first()
    if authority is None:
        raise UsageError(f"no authority has the code {code!r}: add it with `permanence authority`")
    return authority
