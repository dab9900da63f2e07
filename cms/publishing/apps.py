from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Roles and workflow, import/export with content/, the API for sitegen."""

    name = "cms.publishing"
    label = "publishing"
    verbose_name = "Publiceren"
