from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "permanence.web.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from permanence.web.dashboards import checks  # noqa: F401 - registers the check
        from permanence.web.dashboards.invalidation import connect

        connect()
