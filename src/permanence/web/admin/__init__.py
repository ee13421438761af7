"""The administration site: an authority's administrators manage its people and settings.

What it is for (see docs/architecture.md): the authority's people (users, roles, teams,
sign-in lockouts), its settings (review policy, warning periods, allocations of workers
to children) and a few corrections the pages do not offer (the improvement record).
Children's records are shown read-only, with their history: they change through an
import, which keeps who and why. The logs (views of children, imports, sharing
decisions, sign-in attempts) are read-only.

It is Django's admin with these differences:

- only the administrator role may enter (Django's ``is_staff`` flag plays no part), and
  signing in happens on the app's own sign-in page, wherever a person was sent from;
- every list, form, choice, history and version page is restricted to the
  administrator's authority by the models' scoped managers (the historical models'
  included: ``web/kernel/history.py``);
- a version is restored ("Revert") only where the administrator may change the row;
- every page that shows who a child is writes a row to the audit log.

The site and the base classes are in ``site``; the authority's people (``people``) and
the log of children shown (``children_shown``) are registered here rather than in their
apps, which sit below the site (docs/architecture.md, "The web floors"); every other
app registers its own models from its ``admin.py``.
"""

from permanence.web.admin import children_shown, people  # noqa: F401 - registers them
from permanence.web.admin.site import (
    AuthorityAdmin,
    HistoryAdmin,
    ReadOnlyAdmin,
    ReadOnlyHistoryAdmin,
    admin_site,
)

__all__ = ["AuthorityAdmin", "HistoryAdmin", "ReadOnlyAdmin", "ReadOnlyHistoryAdmin", "admin_site"]
