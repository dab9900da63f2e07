"""Drafts for the preview server, in the catalogue model's own terms.

wagtail-headless-preview hands the editor's browser a signed token; the preview
server (sitegen/preview.py) asks `/api/preview/` what that token stands for. The
answer is a patch of the published catalogue (the draft product, life event or
gemeente profile, converted by the same `to_*` methods the export uses), the page
to show, the gemeente to show it in, and when the token was made. Tokens older
than SAMENLOKET_PREVIEW_MAX_AGE seconds are refused here as well.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from cms.catalogue.models import LifeEventPage, ProductPage
from cms.gemeenten.models import GemeentePage, LocalProductPage, NewsPage

DEFAULT_MAX_AGE = 30 * 60


def max_age() -> int:
    return int(getattr(settings, "SAMENLOKET_PREVIEW_MAX_AGE", DEFAULT_MAX_AGE))


def token_created(token: str) -> datetime:
    """When a TimestampSigner token was signed (value:timestamp:signature)."""
    timestamp = token.rsplit(":", 2)[-2]
    return datetime.fromtimestamp(signing.b62_decode(timestamp), UTC)


def _live_slugs() -> dict[int, str]:
    return dict(ProductPage.objects.values_list("pk", "slug"))


def _profile_with(gemeente: GemeentePage, draft: Page | None) -> dict[str, Any]:
    """The gemeente's published profile with one draft child swapped in."""
    slugs = _live_slugs()
    local = [
        p
        for p in LocalProductPage.objects.live().child_of(gemeente)
        if not (draft is not None and p.pk == draft.pk)
    ]
    news = [
        p
        for p in NewsPage.objects.live().child_of(gemeente)
        if not (draft is not None and p.pk == draft.pk)
    ]
    if isinstance(draft, LocalProductPage):
        local.append(draft)
    if isinstance(draft, NewsPage):
        news.append(draft)
    profile = gemeente.to_profile(slugs, local, news)
    return {gemeente.cbs_code: profile.model_dump(mode="json")}


def draft_patch(page: Page) -> tuple[dict[str, Any], str, str | None]:
    """(catalogue patch, page path, gemeente CBS code or None) for a draft page."""
    if isinstance(page, ProductPage):
        product = page.to_product(_live_slugs())
        return (
            {"products": {product.slug: product.model_dump(mode="json")}},
            f"producten/{product.slug}/",
            None,
        )
    if isinstance(page, LifeEventPage):
        event = page.to_life_event(_live_slugs())
        return (
            {"life_events": {event.slug: event.model_dump(mode="json")}},
            f"levensgebeurtenissen/{event.slug}/",
            None,
        )
    if isinstance(page, GemeentePage):
        return {"profiles": _profile_with(page, None)}, "", page.cbs_code
    parent = page.get_parent().specific
    if isinstance(page, LocalProductPage):
        slug = page.to_local(_live_slugs()).product
        return (
            {"profiles": _profile_with(parent, page)},
            f"producten/{slug}/",
            parent.cbs_code,
        )
    if isinstance(page, NewsPage):
        return (
            {"profiles": _profile_with(parent, page)},
            f"nieuws/{page.slug}/",
            parent.cbs_code,
        )
    raise ValueError(f"geen voorbeeld voor {type(page).__name__}")


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
def preview_json(request: HttpRequest) -> JsonResponse:
    """`/api/preview/?content_type=app.model&token=…` → the draft as a patch."""
    try:
        app_label, model = request.GET["content_type"].split(".")
        token = request.GET["token"]
        model_class = ContentType.objects.get(
            app_label=app_label, model=model
        ).model_class()
        model_class.get_preview_signer().unsign(token, max_age=max_age())
        page = model_class.get_page_from_preview_token(token)
    except signing.SignatureExpired:
        return _error(410, "voorbeeldlink verlopen")
    except (
        KeyError,
        ValueError,
        ContentType.DoesNotExist,
        AttributeError,
        signing.BadSignature,
    ):
        return _error(404, "onbekend of ongeldig voorbeeld")
    if page is None:
        return _error(404, "voorbeeld onbekend")
    try:
        patch, path, gemeente = draft_patch(
            page.specific if hasattr(page, "specific") else page
        )
    except ValueError as exc:  # the draft does not validate yet
        return _error(422, f"het concept is nog niet compleet: {exc}")
    return JsonResponse(
        {
            "created_at": token_created(token).isoformat(),
            "patch": patch,
            "path": path,
            "gemeente": gemeente or request.GET.get("gemeente"),
        }
    )
