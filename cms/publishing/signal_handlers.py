"""Publishing or unpublishing catalogue content queues a rebuild of the sites."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.signals import page_published, page_unpublished

REBUILD_MODELS = (
    "productpage",
    "lifeeventpage",
    "gemeentepage",
    "localproductpage",
    "newspage",
)


def _queue(sender: Any, instance: Any, verb: str) -> None:
    if sender._meta.model_name not in REBUILD_MODELS:
        return
    from .rebuild import enqueue

    reason = f"{instance.title} {verb}"
    transaction.on_commit(lambda: enqueue(reason))


def page_published_handler(sender: Any, instance: Any, **kwargs: Any) -> None:
    _queue(sender, instance, "gepubliceerd")


def page_unpublished_handler(sender: Any, instance: Any, **kwargs: Any) -> None:
    _queue(sender, instance, "gedepubliceerd")


def register_signal_handlers() -> None:
    page_published.connect(page_published_handler, dispatch_uid="samenloket_rebuild")
    page_unpublished.connect(
        page_unpublished_handler, dispatch_uid="samenloket_rebuild_unpublish"
    )


def unregister_signal_handlers() -> None:
    page_published.disconnect(dispatch_uid="samenloket_rebuild")
    page_unpublished.disconnect(dispatch_uid="samenloket_rebuild_unpublish")
