"""Pelican plugin: register the catalogue generator (`PLUGINS = ["sitegen.plugin"]`)."""

from __future__ import annotations

from typing import Any

from pelican import signals

from .generator import CatalogueGenerator


def get_generators(pelican: Any) -> type[CatalogueGenerator]:
    return CatalogueGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
