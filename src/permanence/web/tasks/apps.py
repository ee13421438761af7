from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "permanence.web.tasks"
    label = "tasks"
    verbose_name = "Work in the background"
