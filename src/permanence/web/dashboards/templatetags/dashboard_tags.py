"""Template tags for every page: the main navigation."""

from __future__ import annotations

from typing import Any

from django import template

from permanence.web.dashboards.navigation import NavItem, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: dict[str, Any]) -> list[NavItem]:
    """The links the signed-in person may follow (see ``navigation.NAVIGATION``)."""
    request = context.get("request")
    return navigation_for(request) if request is not None else []
