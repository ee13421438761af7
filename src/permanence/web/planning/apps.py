from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "permanence.web.planning"
    label = "planning"
    verbose_name = "Review planning"

    def ready(self) -> None:
        # Planning follows the records: connect the receivers once the models are loaded.
        from permanence.web.planning import receivers, tasks  # noqa: F401
