from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "permanence.web.improvement"
    label = "improvement"
    verbose_name = "Improvement record"

    def ready(self) -> None:
        from permanence.web.improvement.models import (
            AcceptedPhase,
            ChangeIdea,
            ChartNote,
            ImprovementProject,
            LocalAim,
            PdsaCycle,
        )
        from permanence.web.kernel.versions import move_on_when_changed

        # The local aims, the tests of change marked on the charts and the run charts'
        # accepted phases and the notes typed on the charts come from these.
        move_on_when_changed(
            LocalAim, ImprovementProject, PdsaCycle, ChangeIdea, AcceptedPhase, ChartNote
        )
