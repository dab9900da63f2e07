"""Shared fixtures: a small catalogue (3 gemeenten, 2 themes) to copy and break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import FIXTURE_CONTENT


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private, writable copy of the fixture content tree."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target
