from django.apps import AppConfig


class GemeentenConfig(AppConfig):
    """Each gemeente's own data: profile, homepage, local products and news."""

    name = "cms.gemeenten"
    label = "gemeenten"
    verbose_name = "Gemeenten"

    def ready(self) -> None:
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
