from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "permanence.web.meetings"
    label = "meetings"
    verbose_name = "Planning meetings and decisions"
