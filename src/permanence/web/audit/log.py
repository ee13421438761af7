"""Recording that a person was shown who a child is.

Every page and download that shows a child's reference, initials or date of birth
calls ``log_children_shown`` (or ``log_record_view`` for one child's record) with what
it showed. One row per child per response: "who saw which child, where, and when".
``tests/web/test_audit_walk.py`` walks every address of the app and the administration
site as every role and fails when a response shows a child with no row to match, so a
new page cannot forget to call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.http import HttpRequest

from permanence.web.accounts.models import User
from permanence.web.audit.models import RecordView
from permanence.web.records.models import Child

RECORD = "a child's record"


def log_record_view(request: HttpRequest, child: Child, what: str = RECORD) -> RecordView:
    """Record that the signed-in person looked at ``child``'s record on this request."""
    return RecordView.objects.create(
        authority_id=child.authority_id,
        viewer=cast(User, request.user),
        child=child,
        child_ref=child.child_ref,
        path=request.get_full_path()[:500],
        what=what[:100],
    )


def log_children_shown(request: HttpRequest, shown: Iterable[Any], what: str) -> int:
    """Record that this response showed each of ``shown`` to the signed-in person.

    ``shown`` may hold children, anything that leads to one (a care period, a placement,
    an allocation, an import issue: see ``child_refs_of``) or bare references. Returns
    how many children were recorded.
    """
    user = cast(User, request.user)
    refs = {ref for item in shown for ref in child_refs_of(item) if ref}
    if not refs or user.authority_id is None:
        return 0
    # Linked to the record where there is one (an extract's reference may not be a record
    # yet, and a past version's child may have been deleted since).
    records = dict(Child.objects.filter(child_ref__in=refs).values_list("child_ref", "pk"))
    path = request.get_full_path()[:500]
    RecordView.objects.bulk_create(
        RecordView(
            authority_id=user.authority_id,
            viewer=user,
            child_id=records.get(ref),
            child_ref=ref[:64],
            path=path,
            what=what[:100],
        )
        for ref in sorted(refs)
    )
    return len(refs)


def child_refs_of(item: Any) -> list[str]:
    """The reference of the child ``item`` shows, found by what it holds.

    A child, or a row that names one (``child_ref``: an import issue, a view in this
    log), or one that leads to one through its ``child`` or ``care_period``; a string is
    a reference. Anything else shows no child.
    """
    if item is None:
        return []
    if isinstance(item, str):
        return [item]
    if isinstance(getattr(item, "child_ref", None), str):
        return [item.child_ref]
    for relation in ("child", "care_period"):
        related = getattr(item, relation, None)
        if related is not None:
            return child_refs_of(related)
    return []
