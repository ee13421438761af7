"""The child's brothers and sisters: the group in use (the import's, or the one typed in
here), its members, a form to add one by reference and a button to take out one typed
in here. Reading needs ``VIEW_CHILD_RECORDS``, changing ``EDIT_CHILD_RECORDS``; every
child shown is logged, every row found through the authority scope."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown, log_record_view
from permanence.web.children.models import EnteredSiblingGroup
from permanence.web.children.siblings import (
    AddSiblingForm,
    entered_group_of,
    group_in_use,
    members,
)
from permanence.web.kernel.pages import done
from permanence.web.records.models import Child


def siblings_url(child_pk: int) -> str:
    return reverse("children-siblings", args=[child_pk])


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(["GET", "POST"])
def child_siblings(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    form = AddSiblingForm(request.POST if request.method == "POST" else None, child=child)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["reference"]
        group = form.save(cast(User, request.user))
        log_record_view(request, other)
        return done(
            request, f"Child {other.child_ref} is in sibling group {group}.", siblings_url(pk)
        )
    entered = entered_group_of(child)
    group = group_in_use(child, entered)
    listed = [m for m in members(group) if m.child.pk != child.pk]
    log_children_shown(request, [m.child for m in listed], "a child's brothers and sisters")
    return render(
        request,
        "children/siblings.html",
        {
            "child": child,
            "group": group,
            "entered": entered,
            # A group typed in here that the case recording system's replaces: kept, not used.
            "set_aside": entered if entered is not None and child.sibling_group else None,
            "members": listed,
            "form": form,
        },
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_POST
def remove_sibling(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a child out of the group typed in for them (the change is kept in history)."""
    entry = get_object_or_404(EnteredSiblingGroup.objects.select_related("child"), pk=pk)
    child = entry.child
    log_record_view(request, child)
    entry.delete()
    back = Child.objects.filter(pk=request.POST.get("from_child") or 0).first()
    return done(
        request,
        f"Child {child.child_ref} is no longer in sibling group {entry.group}.",
        siblings_url((back or child).pk),
    )
