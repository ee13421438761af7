"""The site's main navigation: one list, each link shown to the people whose role allows it.

Each app's pages are reached from here; a link appears only when the signed-in person
holds its capability (and, for a few, lacks another: a viewer sees review planning's
summary instead of the lists of children's meetings), and only when its address exists,
so an app that is not installed leaves no broken link. Add a link for a new app here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from permanence.web.accounts.roles import Capability
from permanence.web.kernel.cache import today
from permanence.web.planning.alerts import unread_count
from permanence.web.planning.lists import chairs_reviews


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    needs: Capability
    unless: Capability | None = None
    #: The pages (URL names, or a prefix ending in "*") on which this link is current.
    current_on: tuple[str, ...] = ()
    #: Shown only to the people this is true of (as well as holding ``needs``).
    only_for: Callable[[Any], bool] | None = None


def _chairs_reviews(user: Any) -> bool:
    return chairs_reviews(user, today())


NAVIGATION: tuple[NavLink, ...] = (
    NavLink("Overview", "home", Capability.VIEW_AGGREGATES, current_on=("home", "dashboard-aim")),
    NavLink("Where children wait", "dashboard-stages", Capability.VIEW_AGGREGATES),
    NavLink(
        "Process map",
        "dashboard-process-map",
        Capability.VIEW_AGGREGATES,
        current_on=("dashboard-process-map*",),
    ),
    NavLink(
        "Children",
        "child-list",
        Capability.VIEW_CHILD_RECORDS,
        current_on=("child-list", "child-journey"),
    ),
    NavLink("What's due", "planning-mine", Capability.VIEW_CHILD_RECORDS),
    # Reviewing officers: the children whose reviews they chair.
    NavLink(
        "Your reviews",
        "children-reviewing",
        Capability.VIEW_CHILD_RECORDS,
        only_for=_chairs_reviews,
    ),
    # Everyone who can make a pack is told here when it is made (viewers: work only).
    NavLink("Notifications", "planning-notifications", Capability.VIEW_AGGREGATES),
    NavLink(
        "Review planning",
        "planning-summary",
        Capability.VIEW_AGGREGATES,
        unless=Capability.VIEW_CHILD_RECORDS,
    ),
    NavLink(
        "Improvement",
        "improvement-projects",
        Capability.VIEW_AGGREGATES,
        current_on=("improvement*",),
    ),
    NavLink("Report pack", "reports-pack", Capability.VIEW_AGGREGATES, current_on=("reports*",)),
    NavLink(
        "Learning across Scotland",
        "national-library",
        Capability.VIEW_AGGREGATES,
        current_on=("national-library*", "national-progress-ours"),
    ),
    NavLink("Imports", "import-list", Capability.IMPORT_DATA, current_on=("import*",)),
    # Administrators: the work the worker does for the authority, failures first.
    NavLink("Background work", "tasks-status", Capability.MANAGE_USERS, current_on=("tasks*",)),
    NavLink(
        "Sharing", "national-sharing", Capability.MANAGE_SHARING, current_on=("national-sharing",)
    ),
    NavLink(
        "National picture", "national-home", Capability.VIEW_NATIONAL, current_on=("national*",)
    ),
    NavLink("Administration", "admin:index", Capability.MANAGE_USERS),
)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool


def navigation_for(request: HttpRequest) -> list[NavItem]:
    """The links the signed-in person may follow, with the current page marked."""
    user: Any = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match is not None else ""
    items = []
    for link in NAVIGATION:
        if not user.can(link.needs) or (link.unless is not None and user.can(link.unless)):
            continue
        if link.only_for is not None and not link.only_for(user):
            continue
        try:
            href = reverse(link.url_name)
        except NoReverseMatch:
            continue  # that app is not installed here
        label = link.label
        if link.url_name == "planning-notifications":
            label = _with_unread(label, user)
        items.append(NavItem(label, href, _is_current(here, link)))
    return items


def _is_current(here: str, link: NavLink) -> bool:
    for name in link.current_on or (link.url_name,):
        if name.endswith("*") and here.startswith(name[:-1]):
            return True
        if here == name:
            return True
    return False


def _with_unread(label: str, user: Any) -> str:
    unread = unread_count(user)
    return f"{label} ({unread} new)" if unread else label
