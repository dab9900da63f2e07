"""Fixtures of the export tests (content in exports_fixture.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from exports_fixture import REAL_CONTENT, write_content

from samenloket.errors import ContentErrors
from samenloket.loader import load_catalogue
from samenloket.model import Catalogue


@pytest.fixture(scope="session")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content tree (read-only: copy it before changing files)."""
    return write_content(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(scope="session")
def catalogue(content_dir: Path) -> Catalogue:
    return load_catalogue(content_dir)


@pytest.fixture(scope="session")
def real_catalogue() -> Catalogue:
    """The real content/, or skip while it does not load yet."""
    try:
        return load_catalogue(REAL_CONTENT)
    except ContentErrors as exc:
        pytest.skip(f"content/ laadt nog niet ({len(exc.errors)} fouten)")
