from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "permanence.web.records"
    label = "records"

    def ready(self) -> None:
        # Loading a previewed extract is a job the worker runs.
        from permanence.web.records import tasks  # noqa: F401
