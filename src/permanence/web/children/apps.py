from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "permanence.web.children"
    label = "children"

    def ready(self) -> None:
        from permanence.web.children.models import EnteredSiblingGroup
        from permanence.web.children.siblings import with_entered_sibling_groups
        from permanence.web.kernel.versions import move_on_when_changed
        from permanence.web.records.journeys import add_to_the_tables_with

        # A group typed in on the child's page is read by every journeys frame where the
        # import gives none (the aims per sibling group), and moves the pages on.
        add_to_the_tables_with(with_entered_sibling_groups)
        move_on_when_changed(EnteredSiblingGroup)
