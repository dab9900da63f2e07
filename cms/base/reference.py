"""The reference lists (UPL, gemeenten) as the CMS keeps them.

They are official files in their own format (content/reference/*.csv). The CMS
stores their exact text, so an export writes them back byte for byte, and parses
them with samenloket.reference, the same code the file loader uses.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from samenloket.model import Gemeente, UplEntry
from samenloket.reference import (
    GEMEENTEN_FILE,
    UPL_FILE,
    parse_gemeenten_csv,
    parse_upl_csv,
)


@lru_cache(maxsize=4)
def _parse_upl(digest: str, text: str) -> dict[str, UplEntry]:
    return parse_upl_csv(text, UPL_FILE)


@lru_cache(maxsize=4)
def _parse_gemeenten(digest: str, text: str) -> dict[str, Gemeente]:
    return parse_gemeenten_csv(text, GEMEENTEN_FILE)


def _text(name: str) -> str:
    from django.db import DatabaseError

    from .models import ReferenceList

    try:
        row = ReferenceList.objects.filter(name=name).values_list("text", flat=True)
        return row.first() or ""
    except DatabaseError:  # before the first migrate
        return ""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upl_entries() -> dict[str, UplEntry]:
    """UPL URI → entry, or {} before the first `load_content`."""
    text = _text(UPL_FILE)
    return _parse_upl(digest(text), text) if text else {}


def gemeenten() -> dict[str, Gemeente]:
    """CBS code → gemeente, or {} before the first `load_content`."""
    text = _text(GEMEENTEN_FILE)
    return _parse_gemeenten(digest(text), text) if text else {}


def upl_choices() -> list[tuple[str, str]]:
    """Choices for a UPL field: every name on the list, A–Z (for the select)."""
    entries = sorted(upl_entries().values(), key=lambda e: (e.label.lower(), e.uri))
    return [(e.uri, f"{e.label} — {e.uri.rsplit('/', 1)[-1]}") for e in entries]


def gemeente_choices() -> list[tuple[str, str]]:
    items = sorted(gemeenten().values(), key=lambda g: g.display_name.lower())
    return [(g.cbs_code, f"{g.display_name} ({g.cbs_code})") for g in items]
