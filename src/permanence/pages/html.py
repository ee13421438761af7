"""The one way the core writes HTML: Jinja2 templates shipped in a package's
``templates/`` folder, with autoescaping on, so every value is escaped by the template
engine and none by hand. Undefined names raise rather than print nothing."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def templates(package: str) -> Environment:
    """The template environment of ``package`` (its ``templates/`` folder)."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(["html", "css"]),
        undefined=StrictUndefined,
    )
