from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "permanence.web.records"
    label = "records"
