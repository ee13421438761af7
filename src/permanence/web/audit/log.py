"""Recording a view of a child's record."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from permanence.web.accounts.models import User
from permanence.web.audit.models import RecordView
from permanence.web.records.models import Child


def log_record_view(request: HttpRequest, child: Child) -> RecordView:
    """Record that the signed-in person looked at ``child``'s record on this request."""
    return RecordView.objects.create(
        authority_id=child.authority_id,
        viewer=cast(User, request.user),
        child=child,
        child_ref=child.child_ref,
        path=request.get_full_path()[:500],
    )
