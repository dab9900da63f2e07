"""Open data: the catalogue as static JSON, one file per gemeente plus a national one.

The shape is versioned (`schema_version`) and described by
`exports/opendata.schema.json` and docs/opendata-schema.md; change either only
together with the version. Values come from `samenloket.resolve`, so the JSON says
exactly what the gemeente's site and SC feed say. Output is deterministic: sorted
keys, products in slug order, no timestamps.

A gemeente file is its frame plus one compact JSON piece per product
(`gemeente_frame`, `render_product_pieces`), so exports.incremental can reuse
the pieces of unchanged products.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence, Set
from decimal import Decimal
from typing import Any

from samenloket.model import Catalogue, Fees, LifeEvent, Product, ProductStep
from samenloket.resolve import (
    LIFE_EVENT_PATH,
    PRODUCT_PATH,
    ResolvedProduct,
    is_offered,
    offered_products,
    product_url,
    site_url,
)

from .sc_feed import SC_FEED_PATH, product_id

SCHEMA_VERSION = "1.0"
OPEN_DATA_PATH = "open-data/producten.json"
NATIONAL_FILE = "catalogus.json"
_SITE_LINK_RE = re.compile(r"\]\(\s*/")
_EMPTY_PRODUCTS = b'"products":[]'
# Every product entry starts with its first sorted key (nested objects never have
# it, and a '"' inside a string is escaped); a test checks it against the output.
PRODUCT_START = b'{"application_url":'


def dumps(data: dict[str, Any]) -> bytes:
    """Canonical JSON bytes: sorted keys, compact, UTF-8, final newline.

    Compact because json's C encoder does not indent: indenting doubles the time
    of 342 files per build. Readers pretty-print with `python -m json.tool`.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode()


def _amount(value: Decimal) -> float | int:
    # JSON has no decimal type; amounts have at most 2 decimals, so a float is exact
    # enough for euro amounts and keeps the field a plain number for consumers.
    return int(value) if value == value.to_integral_value() else float(value)


def _fees(fees: Fees, local: bool | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "set_by": fees.set_by,
        "year": fees.year,
        "items": [{"label": i.label, "amount": _amount(i.amount)} for i in fees.items],
    }
    if local is not None:
        data["local"] = local
    return data


def _authority(product: Product, gemeente_name: str | None) -> dict[str, Any]:
    if product.authority == "gemeente":
        return {"type": "gemeente", "name": gemeente_name, "url": None}
    return {"type": "organisatie", "name": product.authority.name,
            "url": product.authority.url}


def _upl(catalogue: Catalogue, product: Product) -> list[dict[str, str]]:
    return [
        {"uri": uri, "label": catalogue.upl[uri].label if uri in catalogue.upl else ""}
        for uri in product.upl
    ]


def _events_by_product(catalogue: Catalogue) -> dict[str, list[LifeEvent]]:
    result: dict[str, list[LifeEvent]] = {}
    events = sorted(catalogue.life_events.values(), key=lambda e: (e.order, e.slug))
    for event in events:
        slugs = {
            item.product for step in event.steps for item in step.items
            if isinstance(item, ProductStep)
        }
        for slug in sorted(slugs):
            result.setdefault(slug, []).append(event)
    return result


def _absolute_links(markdown: str, base_url: str) -> str:
    return _SITE_LINK_RE.sub(f"]({base_url}/", markdown)


def _gemeente_product(
    catalogue: Catalogue, resolved: ResolvedProduct, base_url: str,
    events: list[LifeEvent], offered: set[str],
) -> dict[str, Any]:
    product = resolved.product
    cbs = resolved.gemeente.cbs_code
    return {
        "slug": resolved.slug,
        "sc_product_id": product_id(cbs, resolved.slug),
        "title": resolved.title,
        "summary": resolved.summary,
        "url": product_url(catalogue, cbs, resolved.slug),
        "upl": _upl(catalogue, product),
        "audience": list(dict.fromkeys(product.audience)),
        "channels": list(product.channels),
        "appointment": product.appointment,
        "authority": _authority(product, resolved.gemeente.name),
        "legal_basis": [{"label": b.label, "url": b.url} for b in product.legal_basis],
        "fees": _fees(resolved.fees, resolved.fees_are_local),
        "delivery_time": resolved.delivery_time,
        "application_url": resolved.application_url,
        "online_aanvragen": resolved.online_aanvragen,
        "login": resolved.login,
        "life_events": [
            {"slug": e.slug, "title": e.title,
             "url": f"{base_url}/{LIFE_EVENT_PATH.format(slug=e.slug)}"}
            for e in events
        ],
        "related": [
            {"slug": slug, "title": catalogue.products[slug].title,
             "url": product_url(catalogue, cbs, slug)}
            for slug in product.related if slug in offered
        ],
        "synonyms": list(product.synonyms),
        "sections": {
            key: _absolute_links(text, base_url)
            for key, text in resolved.sections.items()
        },
        "local_text": (_absolute_links(resolved.local_text, base_url)
                       if resolved.local_text else None),
        "example": resolved.example,
    }


def _gemeente_info(catalogue: Catalogue, cbs_code: str) -> dict[str, Any]:
    gemeente = catalogue.gemeenten[cbs_code]
    base_url = site_url(catalogue, cbs_code)
    profile = catalogue.profiles.get(cbs_code)
    return {
        "cbs_code": gemeente.cbs_code,
        "name": gemeente.name,
        "display_name": gemeente.display_name,
        "province": gemeente.province,
        "owms_uri": gemeente.owms_uri,
        "tooi_uri": gemeente.tooi_uri,
        "site_url": base_url,
        "sc_feed_url": f"{base_url}/{SC_FEED_PATH}",
        "open_data_url": f"{base_url}/{OPEN_DATA_PATH}",
        "example_data": bool(profile and profile.example_data),
    }


def _gemeente_head(catalogue: Catalogue, cbs_code: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "gemeente",
        "gemeente": _gemeente_info(catalogue, cbs_code),
    }


def gemeente_data(catalogue: Catalogue, cbs_code: str) -> dict[str, Any]:
    """One gemeente's products with resolved local values (schema 'gemeente')."""
    resolved = sorted(offered_products(catalogue, cbs_code), key=lambda r: r.slug)
    offered = {r.slug for r in resolved}
    events = _events_by_product(catalogue)
    base_url = site_url(catalogue, cbs_code)
    return {
        **_gemeente_head(catalogue, cbs_code),
        "products": [
            _gemeente_product(catalogue, r, base_url, events.get(r.slug, []), offered)
            for r in resolved
        ],
    }


def gemeente_frame(catalogue: Catalogue, cbs_code: str) -> tuple[bytes, bytes]:
    """The gemeente file around its products: head up to '"products":[', tail.

    Compact JSON of a list is '[' + ','.join(items) + ']', so the file is
    head + b",".join(product pieces) + tail, byte for byte.
    """
    data = dumps({**_gemeente_head(catalogue, cbs_code), "products": []})
    cut = data.index(_EMPTY_PRODUCTS) + len(_EMPTY_PRODUCTS) - 1
    return data[:cut], data[cut:]


def render_product_pieces(
    catalogue: Catalogue, cbs_code: str, products: Sequence[ResolvedProduct],
    offered: Set[str],
) -> list[bytes]:
    """Each product's entry of the gemeente file, as the bytes dumps() writes."""
    if not products:
        return []
    events = _events_by_product(catalogue)
    base_url = site_url(catalogue, cbs_code)
    return [
        json.dumps(
            _gemeente_product(catalogue, r, base_url, events.get(r.slug, []), offered),
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        ).encode()
        for r in products
    ]


def assemble_gemeente(head: bytes, pieces: Sequence[bytes], tail: bytes) -> bytes:
    """The gemeente file from its frame and product pieces."""
    return b"".join((head, b",".join(pieces), tail))


def _national_product(catalogue: Catalogue, product: Product,
                      events: list[LifeEvent]) -> dict[str, Any]:
    return {
        "slug": product.slug,
        "title": product.title,
        "summary": product.summary,
        "path": "/" + PRODUCT_PATH.format(slug=product.slug),
        "upl": _upl(catalogue, product),
        "audience": list(dict.fromkeys(product.audience)),
        "channels": list(product.channels),
        "appointment": product.appointment,
        "authority": _authority(product, None),
        "legal_basis": [{"label": b.label, "url": b.url} for b in product.legal_basis],
        "fees": _fees(product.fees),
        "delivery_time": product.delivery_time,
        "online_aanvragen": product.online_aanvragen,
        "default_offered": product.default_offered,
        "related": list(product.related),
        "synonyms": list(product.synonyms),
        "life_events": [
            {"slug": e.slug, "title": e.title,
             "path": "/" + LIFE_EVENT_PATH.format(slug=e.slug)}
            for e in events
        ],
        "sections": dict(product.sections),
    }


def _life_event(event: LifeEvent) -> dict[str, Any]:
    steps = []
    for step in event.steps:
        items = []
        for item in step.items:
            if isinstance(item, ProductStep):
                items.append({"type": "product", "product": item.product,
                              "text": item.text})
            else:
                items.append({"type": "organisatie", "organisation": item.organisation,
                              "title": item.title, "url": item.url, "text": item.text})
        steps.append({"title": step.title, "choice": step.choice, "items": items})
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "audience": list(event.audience),
        "order": event.order,
        "path": "/" + LIFE_EVENT_PATH.format(slug=event.slug),
        "intro": event.intro,
        "steps": steps,
    }


def national_data(catalogue: Catalogue) -> dict[str, Any]:
    """The national catalogue: products, life events, gemeenten (schema 'landelijk')."""
    events = _events_by_product(catalogue)
    gemeenten = []
    for code in sorted(catalogue.gemeenten):
        info = _gemeente_info(catalogue, code)
        info["offered_products"] = sum(
            1 for slug in catalogue.products if is_offered(catalogue, code, slug)
        )
        gemeenten.append(info)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "landelijk",
        "site_url_pattern": catalogue.settings.site_url_pattern,
        "products": [
            _national_product(catalogue, catalogue.products[slug], events.get(slug, []))
            for slug in sorted(catalogue.products)
        ],
        "life_events": [
            _life_event(catalogue.life_events[slug])
            for slug in sorted(catalogue.life_events)
        ],
        "gemeenten": gemeenten,
    }


def render_gemeente_json(catalogue: Catalogue, cbs_code: str) -> bytes:
    """open-data/producten.json of one gemeente's site."""
    resolved = sorted(offered_products(catalogue, cbs_code), key=lambda r: r.slug)
    pieces = render_product_pieces(
        catalogue, cbs_code, resolved, {r.slug for r in resolved})
    head, tail = gemeente_frame(catalogue, cbs_code)
    return assemble_gemeente(head, pieces, tail)


def render_national_json(catalogue: Catalogue) -> bytes:
    """catalogus.json: the national catalogue for developers."""
    return dumps(national_data(catalogue))
