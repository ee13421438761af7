from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "permanence.web.dashboards"
    label = "dashboards"
