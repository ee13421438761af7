from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "permanence.web.kernel"
    label = "kernel"
