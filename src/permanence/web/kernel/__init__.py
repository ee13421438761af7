"""The web layer's lowest floor: what every app may use and which uses no app.

- ``scope``, ``history``: the authority scope every child-level query passes through;
- ``database``, ``sessions``: working beside a long load on the embedded database;
- ``models``, ``versions``: each authority's data version, moved on by every change;
- ``cache``: the authority's data (the journeys frame, aims, marks), kept per
  version in each process;
- ``pseudonyms``: the key and the pseudonymous references shown instead of names;
- ``addresses``: a child's journey address and the tidy address of a filtered page.

Nothing here imports another web app: see docs/architecture.md, "The web floors".
"""
