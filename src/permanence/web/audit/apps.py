from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "permanence.web.audit"
    label = "audit"
    verbose_name = "audit"
