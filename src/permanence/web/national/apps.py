from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "permanence.web.national"
    label = "national"
    verbose_name = "National workspace"

    def ready(self) -> None:
        # A load of an authority's records refreshes its national snapshot if it shares.
        from permanence.web.kernel.pack_progress import progress_from
        from permanence.web.national import receivers, tasks  # noqa: F401
        from permanence.web.national.learning import own_progress_items

        # The report pack shows each project's phase and progress score (docs/sharing.md).
        progress_from(own_progress_items)
