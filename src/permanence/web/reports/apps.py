from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "permanence.web.reports"
    label = "reports"
    verbose_name = "Report pack"
