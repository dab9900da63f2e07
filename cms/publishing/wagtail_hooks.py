"""Audit log actions of the import, so imports show up in Wagtail's history."""

from __future__ import annotations

from typing import Any

from wagtail import hooks


@hooks.register("register_log_actions")
def register_import_actions(actions: Any) -> None:
    actions.register_action(
        "samenloket.import",
        "Geïmporteerd uit content/",
        "Geïmporteerd uit content/",
    )


@hooks.register("register_admin_urls")
def register_read_url() -> list[Any]:
    from django.urls import path

    from .reading import ReadPageView

    return [path("samenloket/bekijken/<int:page_id>/", ReadPageView.as_view(),
                 name="samenloket_read_page")]


@hooks.register("register_page_listing_buttons")
def read_button(page: Any, user: Any, next_url: str | None = None) -> Any:
    """'Bekijken' for published pages the user may browse but not edit."""
    from django.urls import reverse
    from wagtail.admin.widgets.button import ListingButton

    from .reading import READABLE

    if page.live and issubclass(page.specific_class or object, READABLE) and \
            not page.permissions_for_user(user).can_edit():
        yield ListingButton(
            "Bekijken", reverse("samenloket_read_page", args=[page.pk]),
            icon_name="view", priority=5,
        )


@hooks.register("register_admin_urls")
def register_build_status_url() -> list[Any]:
    from django.urls import path

    from .status import BuildStatusView

    return [path("samenloket/sites/", BuildStatusView.as_view(),
                 name="samenloket_build_status")]


@hooks.register("register_admin_menu_item")
def build_status_menu_item() -> Any:
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    return MenuItem("Sites bouwen", reverse("samenloket_build_status"),
                    icon_name="cogs", order=900)
