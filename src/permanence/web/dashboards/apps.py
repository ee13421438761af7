from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "permanence.web.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from permanence.web.dashboards import checks  # noqa: F401 - registers the check
        from permanence.web.dashboards.assembly import build_authority_data
        from permanence.web.kernel.cache import build_with

        # Every app reads the authority's data from the kernel; this app, which reads
        # the records, the planning settings and the improvement record, works it out.
        build_with(build_authority_data)
