"""URLs: the editors' admin and the read-only APIs for sitegen."""

from django.urls import include, path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls

from cms.publishing.api import api_router
from cms.publishing.preview import preview_json
from cms.publishing.views import catalogue_json

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("api/preview/", preview_json, name="preview_json"),
    path("api/catalogue/", catalogue_json, name="catalogue_json"),
    path("api/catalogue/<str:cbs_code>/", catalogue_json,
         name="catalogue_json_gemeente"),
    # Headless: nothing is served publicly from here; sitegen builds the sites.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
