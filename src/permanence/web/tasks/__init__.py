"""Long work off the request: a task queue in the product's own database, and the record
of each piece of work (``Job``) that people see, with its progress, its tries and its
outcome. See ``jobs`` for how a job runs, and docs/deployment.md for the worker."""
