from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "permanence.web.children"
    label = "children"
