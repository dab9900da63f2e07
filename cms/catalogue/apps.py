from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """National products and life events."""

    name = "cms.catalogue"
    label = "catalogue"
    verbose_name = "Landelijke catalogus"
