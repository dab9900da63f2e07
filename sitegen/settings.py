"""Pelican settings for a samenloket build.

Pelican's own content types are switched off (no articles, pages or direct
templates): every page comes from the catalogue generator. `pelicanconf.py`
beside this file lets `pelican -s sitegen/pelicanconf.py` run the same build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican.settings import read_settings


def pelican_settings(
    content_dir: Path, themes_dir: Path, output_dir: Path, **extra: Any
) -> dict[str, Any]:
    """Complete Pelican settings for one build run."""
    override = {
        "PATH": str(content_dir.resolve()),
        "THEME": str((themes_dir / "base").resolve()),
        "OUTPUT_PATH": str(output_dir.resolve()),
        "SITENAME": "samenloket",
        "SITEURL": "",
        "TIMEZONE": "Europe/Amsterdam",
        "DEFAULT_LANG": "nl",
        "PLUGINS": ["sitegen.plugin"],
        "ARTICLE_PATHS": [],
        "PAGE_PATHS": [],
        "STATIC_PATHS": [],
        "DIRECT_TEMPLATES": [],
        "THEME_STATIC_PATHS": [],
        "FEED_ALL_ATOM": None,
        "CATEGORY_FEED_ATOM": None,
        "TRANSLATION_FEED_ATOM": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "DELETE_OUTPUT_DIRECTORY": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "SAMENLOKET_CONTENT": str(content_dir),
        "SAMENLOKET_THEMES": str(themes_dir),
        **extra,
    }
    return read_settings(path=None, override=override)
