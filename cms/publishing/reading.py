"""A read-only view of a published page, as its content file, for readers.

Wagtail has no "view" page permission: readers and gemeente editors (for the
national catalogue) can browse the tree but not open the edit form. This view
shows them the published version as the content file it exports to, with the
Markdown rendered as the sites will show it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from cms.base.markdown import render_markdown
from cms.base.permissions import user_can_explore
from cms.catalogue.models import LifeEventPage, ProductPage
from cms.gemeenten.models import GemeentePage, LocalProductPage, NewsPage
from samenloket.model import SECTION_HEADINGS
from samenloket.writer import (
    render_gemeente_yaml,
    render_life_event,
    render_local_product,
    render_news_item,
    render_product,
)

READABLE = (ProductPage, LifeEventPage, GemeentePage, LocalProductPage, NewsPage)


def content_file(page: Page) -> tuple[str, str, list[tuple[str, str]]]:
    """(content path, file text, [(heading, rendered html)]) of a published page."""
    if isinstance(page, ProductPage):
        product = page.to_product()
        html = [(SECTION_HEADINGS[k], render_markdown(v))
                for k, v in product.sections.items()]
        return f"producten/{page.slug}.md", render_product(product), html
    if isinstance(page, LifeEventPage):
        event = page.to_life_event()
        return (f"levensgebeurtenissen/{page.slug}.md", render_life_event(event),
                [("Inleiding", render_markdown(event.intro))])
    gemeente = page if isinstance(page, GemeentePage) else page.get_parent().specific
    folder = f"gemeenten/{gemeente.slug}"
    if isinstance(page, GemeentePage):
        profile = page.to_profile()
        return (f"{folder}/gemeente.yaml", render_gemeente_yaml(profile, page.slug),
                [("Welkomsttekst", render_markdown(profile.welcome))])
    if isinstance(page, LocalProductPage):
        local = page.to_local()
        html = [(SECTION_HEADINGS[k], render_markdown(v))
                for k, v in local.sections.items()]
        html.append(("Lokale informatie", render_markdown(local.local_text or "")))
        return (f"{folder}/producten/{local.product}.md",
                render_local_product(local, gemeente.slug), html)
    item = page.to_news()
    return (f"{folder}/nieuws/{item.slug}.md", render_news_item(item, gemeente.slug),
            [("Tekst", render_markdown(item.body))])


class ReadPageView(WagtailAdminTemplateMixin, TemplateView):
    """`/admin/samenloket/bekijken/<page_id>/` for anyone who may browse the page."""

    template_name = "publishing/read_page.html"
    header_icon = "view"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific
        if not isinstance(self.page, READABLE) or not user_can_explore(
            request.user, self.page
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"Bekijken: {self.page.title}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        live = self.page if self.page.live else None
        if live is not None:
            path, text, sections = content_file(live)
            context.update(path=path, text=text, sections=sections)
        context.update(page=self.page, live=live)
        return context
