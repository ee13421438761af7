from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """The perimeter: response headers and the deployment checks (docs/security.md)."""

    name = "permanence.web.security"
    label = "security"

    def ready(self) -> None:
        from permanence.web.security import checks  # noqa: F401 - registers the checks
