from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "permanence.web.improvement"
    label = "improvement"
    verbose_name = "Improvement record"

    def ready(self) -> None:
        from permanence.web.improvement.models import (
            ChangeIdea,
            ImprovementProject,
            LocalAim,
            PdsaCycle,
        )
        from permanence.web.kernel.versions import move_on_when_changed

        # The local aims and the tests of change marked on the charts come from these.
        move_on_when_changed(LocalAim, ImprovementProject, PdsaCycle, ChangeIdea)
