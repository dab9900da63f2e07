"""Wagtail API v2 for sitegen: published pages, plus draft previews by token.

Read-only by construction: the router only maps GET, so POST/PUT/PATCH/DELETE get
405 for everyone, logged in or not. `pages` serves live, public pages only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature
from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page


class PagePreviewAPIViewSet(PagesAPIViewSet):
    """`/api/v2/page_preview/?content_type=catalogue.productpage&token=…`

    Returns the draft a preview token was issued for (wagtail-headless-preview);
    the token is signed, so only someone who could open the preview in the admin
    can hand it out.
    """

    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(
        ["content_type", "token"]
    )

    def listing_view(self, request: Request) -> Response:
        self.action = "detail_view"  # all fields of the one page, as a detail view
        page = self.get_object()
        serializer = self.get_serializer(page)
        return Response(serializer.data)

    def detail_view(self, request: Request, pk: Any = None) -> Response:
        return self.listing_view(request)

    def get_object(self) -> Page:
        try:
            app_label, model = self.request.GET["content_type"].split(".")
            token = self.request.GET["token"]
            content_type = ContentType.objects.get(app_label=app_label, model=model)
            page_model = content_type.model_class()
            page = page_model.get_page_from_preview_token(token)
        except (KeyError, ValueError, ContentType.DoesNotExist, AttributeError,
                BadSignature):
            raise Http404("onbekend of ongeldig voorbeeld") from None
        if page is None:
            raise Http404("voorbeeld verlopen of onbekend")
        if not page.pk:
            page.pk = 0
        return page


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("page_preview", PagePreviewAPIViewSet)
