"""Roles and what each may do. Views ask for a capability, never for a role by name,
so widening or narrowing a role is a change here and nowhere else."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    DATA_LEAD = "data_lead", "Data lead"
    PRACTITIONER = "practitioner", "Practitioner"
    VIEWER = "viewer", "Viewer"


class Capability(StrEnum):
    VIEW_AGGREGATES = "view_aggregates"
    """Aims, charts and tables with pseudonymous references only."""
    VIEW_CHILD_RECORDS = "view_child_records"
    """A child's journey, with the authority's own reference and initials."""
    EDIT_CHILD_RECORDS = "edit_child_records"
    IMPORT_DATA = "import_data"
    MANAGE_USERS = "manage_users"


CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(Capability),
    Role.DATA_LEAD: frozenset(
        {
            Capability.VIEW_AGGREGATES,
            Capability.VIEW_CHILD_RECORDS,
            Capability.EDIT_CHILD_RECORDS,
            Capability.IMPORT_DATA,
        }
    ),
    Role.PRACTITIONER: frozenset(
        {Capability.VIEW_AGGREGATES, Capability.VIEW_CHILD_RECORDS, Capability.EDIT_CHILD_RECORDS}
    ),
    Role.VIEWER: frozenset({Capability.VIEW_AGGREGATES}),
}
