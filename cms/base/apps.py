from django.apps import AppConfig


class BaseConfig(AppConfig):
    """Shared pieces: Markdown fields, permissions, reference lists, checks."""

    name = "cms.base"
    label = "base"
    verbose_name = "Samenloket"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
