from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "permanence.web.improvement"
    label = "improvement"
    verbose_name = "Improvement record"
