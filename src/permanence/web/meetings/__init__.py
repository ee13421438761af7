"""Planning meetings that achieve something: their agendas, attendance, actions and the
decisions that shape a child's plan (docs/meetings.md)."""
