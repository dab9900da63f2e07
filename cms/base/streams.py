"""Reading and writing StreamField data in its raw JSON form.

Conversions to and from the catalogue model work on raw data (page ids, strings),
not on block values, so a whole catalogue converts without one query per chooser
and a value built by a form converts the same way as one read from the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from samenloket.model import FeeItem, Fees


def raw_items(value: Any) -> list[dict[str, Any]]:
    """[{'type': …, 'value': …}, …] for a StreamValue (or raw list, or None)."""
    if not value:
        return []
    data = value.raw_data if hasattr(value, "raw_data") else value
    return [dict(item) for item in data]


def raw_stream(items: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Raw StreamField data from (block type, raw value) pairs, with new ids."""
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())}
            for kind, value in items]


def page_ids(value: Any) -> list[int]:
    """Ids of the chosen pages in a stream of page choosers (empty ones skipped)."""
    ids = []
    for item in raw_items(value):
        page = item.get("value")
        if page:
            ids.append(int(getattr(page, "pk", page)))
    return ids


def slugs_for(ids: Iterable[int], slugs: Mapping[int, str]) -> tuple[str, ...]:
    """Slugs of the pages with these ids; pages not in `slugs` are left out."""
    return tuple(slugs[i] for i in ids if i in slugs)


def amount(value: Any) -> float:
    """An amount as the content loader sees it: a YAML float such as 82.3.

    The canonical writer writes '82.30'; YAML reads a float and the model keeps
    Decimal('82.3'). Going through float here gives the CMS the same model value.
    """
    return float(Decimal(str(value)))


def fees_from(set_by: str, year: int | None, items: Any) -> Fees:
    lines = []
    for item in raw_items(items):
        value = item.get("value") or {}
        lines.append(FeeItem(label=value.get("label", ""),
                             amount=amount(value.get("amount", 0))))
    return Fees(set_by=set_by, year=year, items=tuple(lines))


def fee_stream(fees: Fees) -> list[dict[str, Any]]:
    return raw_stream(
        ("item", {"label": i.label, "amount": f"{i.amount:.2f}"}) for i in fees.items
    )


def none_if_blank(value: str | None) -> str | None:
    return value if value else None
