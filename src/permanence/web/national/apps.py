from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "permanence.web.national"
    label = "national"
    verbose_name = "National workspace"

    def ready(self) -> None:
        # A load of an authority's records refreshes its national snapshot if it shares.
        from permanence.web.national import receivers, tasks  # noqa: F401
