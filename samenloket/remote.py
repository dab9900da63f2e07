"""The published catalogue from the CMS API, validated by the same model.

`samenloket build --source http://127.0.0.1:8000` and the preview server build
from the CMS instead of content/ files; the CMS serves the catalogue in the
model's canonical JSON at /api/catalogue/.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from pydantic import ValidationError

from .model import Catalogue


class RemoteCatalogueError(Exception):
    """The CMS could not be reached or sent something that is not a catalogue."""


def fetch_catalogue(cms_url: str, timeout: float = 60) -> Catalogue:
    """GET <cms_url>/api/catalogue/ and validate it as a Catalogue."""
    url = cms_url.rstrip("/") + "/api/catalogue/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            data = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteCatalogueError(f"CMS niet bereikbaar op {url}: {exc}") from None
    except ValueError as exc:
        raise RemoteCatalogueError(f"{url} gaf geen JSON: {exc}") from None
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise RemoteCatalogueError(
            f"{url} gaf geen geldige catalogus ({exc.error_count()} fouten)"
        ) from None
