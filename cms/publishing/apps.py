from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Roles and workflow, import/export with content/, the API for sitegen,
    preview drafts and publish → rebuild."""

    name = "cms.publishing"
    label = "publishing"
    verbose_name = "Publiceren"

    def ready(self) -> None:
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
