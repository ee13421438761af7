from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "permanence.web.reports"
    label = "reports"
    verbose_name = "Report pack"

    def ready(self) -> None:
        # Making the pack is a job the worker runs.
        from permanence.web.reports import tasks  # noqa: F401
