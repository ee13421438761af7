from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "permanence.web.planning"
    label = "planning"
    verbose_name = "Review planning"

    def ready(self) -> None:
        # Planning follows the records: connect the receivers once the models are loaded.
        from permanence.web.kernel.versions import move_on_when_changed
        from permanence.web.planning import receivers, tasks, work_notices  # noqa: F401
        from permanence.web.planning.models import PlanningSettings, ReviewPolicyVersion

        move_on_when_changed(PlanningSettings)  # the routes Aim 4 follows are the authority's
        # The policy's time limits judge the planning summary's and the meeting measures.
        move_on_when_changed(ReviewPolicyVersion)
