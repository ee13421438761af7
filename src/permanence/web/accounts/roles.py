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
    NATIONAL = "national", "National improvement team"
    """Sees figures across the authorities that share them, never a child's record. A
    national user belongs to no authority."""


class Capability(StrEnum):
    VIEW_AGGREGATES = "view_aggregates"
    """Aims, charts and tables with pseudonymous references only."""
    VIEW_CHILD_RECORDS = "view_child_records"
    """A child's journey, with the authority's own reference and initials."""
    EDIT_CHILD_RECORDS = "edit_child_records"
    IMPORT_DATA = "import_data"
    MANAGE_USERS = "manage_users"
    VIEW_NATIONAL = "view_national"
    """The national workspace: disclosure-controlled figures of every sharing authority."""
    MANAGE_SHARING = "manage_sharing"
    """Choose what the authority shares with the national workspace, and withdraw it."""
    EDIT_IMPROVEMENT = "edit_improvement"
    """Keep the improvement record: projects, driver diagrams, PDSA cycles, measures."""
    ACCEPT_PHASES = "accept_phases"
    """Accept (or undo) a new phase on an aim's run chart, which moves the median every
    page and the pack draw: the data lead's call for the group, not every editor's."""


CAPABILITIES: dict[Role, frozenset[Capability]] = {
    # Everything in the authority, but not the national workspace, which is not theirs.
    Role.ADMINISTRATOR: frozenset(Capability) - {Capability.VIEW_NATIONAL},
    Role.DATA_LEAD: frozenset(
        {
            Capability.VIEW_AGGREGATES,
            Capability.VIEW_CHILD_RECORDS,
            Capability.EDIT_CHILD_RECORDS,
            Capability.IMPORT_DATA,
            Capability.EDIT_IMPROVEMENT,
            Capability.ACCEPT_PHASES,
        }
    ),
    Role.PRACTITIONER: frozenset(
        {
            Capability.VIEW_AGGREGATES,
            Capability.VIEW_CHILD_RECORDS,
            Capability.EDIT_CHILD_RECORDS,
            Capability.EDIT_IMPROVEMENT,
        }
    ),
    Role.VIEWER: frozenset({Capability.VIEW_AGGREGATES}),
    Role.NATIONAL: frozenset({Capability.VIEW_NATIONAL}),
}

NATIONAL_CAPABILITIES: frozenset[Capability] = frozenset({Capability.VIEW_NATIONAL})
"""What a person without an authority may ever do: nothing at child level."""
