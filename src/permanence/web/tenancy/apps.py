from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "permanence.web.tenancy"
    label = "tenancy"
