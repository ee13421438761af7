from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "permanence.web.records"
    label = "records"

    def ready(self) -> None:
        # Loading a previewed extract is a job the worker runs.
        from permanence.web.kernel.versions import move_on_when_changed
        from permanence.web.records import tasks  # noqa: F401
        from permanence.web.records.models import (
            CarePeriod,
            Child,
            LegalStatus,
            Meeting,
            Milestone,
            Placement,
            QueryAnswer,
        )
        from permanence.web.records.signals import move_version_on, records_loaded
        from permanence.web.records.uploads import sweep_upload_folders
        from permanence.web.tasks.worker import every_day

        # Every page showing an authority's records is out of date once they change:
        # a row typed in at once, an import (bulk, so no per-row signal) once committed.
        move_on_when_changed(
            Child, CarePeriod, Placement, LegalStatus, Meeting, Milestone, QueryAnswer
        )
        records_loaded.connect(move_version_on, dispatch_uid="permanence.records.version")
        # Upload folders a killed process left behind are swept away once a day.
        every_day(sweep_upload_folders)
