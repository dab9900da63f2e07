"""The Pelican generator through which the catalogue enters the build.

Pelican runs its usual pipeline (settings, plugins, generators, signals); this
generator is added by the `sitegen.plugin` plugin through the `get_generators`
signal. It loads the catalogue in `generate_context` and builds every gemeente's
site in `generate_output` with sitegen's own atomic, incremental writer (Pelican's
writer rewrites files in place and has no notion of 342 sites).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pelican.generators import Generator

from samenloket.loader import load_catalogue
from samenloket.model import Catalogue

from .build import BuildOptions, BuildSummary, build_sites
from .search import NationalBuild


class CatalogueGenerator(Generator):
    """Builds one static site per gemeente from the national catalogue."""

    last_summary: ClassVar[BuildSummary | None] = None

    def generate_context(self) -> None:
        settings = self.settings
        catalogue: Catalogue | None = settings.get("SAMENLOKET_CATALOGUE")
        national: NationalBuild | None = settings.get("SAMENLOKET_NATIONAL")
        if catalogue is None:
            catalogue = load_catalogue(
                Path(settings["SAMENLOKET_CONTENT"]),
                themes_dir=Path(settings["SAMENLOKET_THEMES"]),
            )
            national = None  # started (if at all) for another catalogue
        self.context["catalogue"] = catalogue
        self.context["national_search"] = national

    def generate_output(self, writer: Any) -> None:
        settings = self.settings
        options = BuildOptions(
            content_dir=Path(settings["SAMENLOKET_CONTENT"]),
            themes_dir=Path(settings["SAMENLOKET_THEMES"]),
            output_dir=Path(settings["OUTPUT_PATH"]),
            gemeenten=settings.get("SAMENLOKET_GEMEENTEN"),
            jobs=int(settings.get("SAMENLOKET_JOBS", 0)),
            progress=bool(settings.get("SAMENLOKET_PROGRESS", False)),
            jinja_environment={
                k: v
                for k, v in settings["JINJA_ENVIRONMENT"].items()
                if k not in {"extensions"}
            },
        )
        CatalogueGenerator.last_summary = build_sites(
            self.context["catalogue"], options,
            national=self.context["national_search"],
        )
