"""Render one gemeente's Samenwerkende Catalogi 4.0 feed (the XML overheid.nl harvests).

One `scproduct` per product the gemeente offers, with the local values resolved by
`samenloket.resolve` (the single place where inheritance is decided), so the feed
never disagrees with the site. Element order follows sc.xsd / owms.xsd exactly:

    meta/owmskern   identifier, title, language, type, creator, modified,
                    spatial, authority              (owms.xsd group owmskern)
    meta/owmsmantel audience (1-2), abstract        (sc.xsd, subject left out)
    meta/scmeta     productID, onlineAanvragen, aanvraagURL, uniformeProductnaam
    body            productHTML with *escaped* HTML (see `_body_html`)

The output is deterministic: the same catalogue gives byte-identical XML. No clock
is read; `dcterms:modified` is the `modified` argument or `default_modified()`.

A feed is head + one piece per product + tail (`render_sc_products`,
`assemble_feed`), so exports.incremental can reuse the pieces of unchanged
products; a feed rendered from scratch is the same code and the same bytes.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from lxml import etree

from samenloket.markdown import site_markdown
from samenloket.model import SECTIONS, Catalogue, Fees
from samenloket.resolve import (
    ResolvedProduct,
    not_offered,
    offered_products,
    product_url,
    site_url,
)

SC_NS = "http://standaarden.overheid.nl/product/terms/"
DCTERMS_NS = "http://purl.org/dc/terms/"
OVERHEID_NS = "http://standaarden.overheid.nl/owms/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# The `overheid` prefix must be declared on the root: attribute values such as
# scheme="overheid:Gemeente" are xs:QName and resolve against in-scope prefixes.
NSMAP: dict[str | None, str] = {
    None: SC_NS, "dcterms": DCTERMS_NS, "overheid": OVERHEID_NS, "xsi": XSI_NS,
}
SCHEMA_LOCATION = f"{SC_NS} https://standaarden.overheid.nl/sc/4.0/xsd/sc.xsd"
# Where the feed lives on every gemeente's site (the address to give overheid.nl).
SC_FEED_PATH = "sc/producten.xml"
FALLBACK_MODIFIED = date(2000, 1, 1)

_DC = f"{{{DCTERMS_NS}}}"
_OV = f"{{{OVERHEID_NS}}}"
_SC = f"{{{SC_NS}}}"
# Each product piece starts with this; "<scproduct" cannot occur in escaped text.
_PIECE_START = b"  <scproduct"


def product_id(cbs_code: str, slug: str) -> str:
    """SC productID: gemeente + slug, so it never changes between builds.

    overheid.nl keys a product on productID; a counter or a timestamp would make
    every harvest look like all products were replaced.
    """
    return f"{cbs_code}-{slug}"


def default_modified(catalogue: Catalogue) -> date:
    """`dcterms:modified` when the caller gives none: derived, never the clock.

    1. SOURCE_DATE_EPOCH (the reproducible-builds convention, e.g. set by a
       deploy pipeline to the time of the last commit of content/), as a UTC date;
    2. otherwise 1 January of the newest fee year in the catalogue (the year the
       content's amounts are valid for);
    3. otherwise 2000-01-01.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    last = _LAST_MODIFIED[0] if _LAST_MODIFIED else None
    if last is not None and last[0] is catalogue:
        return last[1]
    years = [p.fees.year for p in catalogue.products.values() if p.fees.year]
    years += [
        lp.fees.year for prof in catalogue.profiles.values()
        for lp in prof.products.values() if lp.fees is not None and lp.fees.year
    ]
    modified = date(max(years), 1, 1) if years else FALLBACK_MODIFIED
    _LAST_MODIFIED[:] = [(catalogue, modified)]
    return modified


# The last catalogue asked about and its answer: every site of a build asks
# about the same one (~3 ms each once gemeenten set their own fees). The
# catalogue is kept, so no other object can take its identity.
_LAST_MODIFIED: list[tuple[Catalogue, date]] = []


def _euro(amount: Decimal) -> str:
    return "€ " + f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _fees_html(fees: Fees) -> str:
    if fees.set_by == "gratis":
        return "<p>Hiervoor betaalt u niets.</p>"
    if not fees.items:
        return ""
    items = "".join(
        f"<li>{html.escape(i.label)}: {_euro(i.amount)}</li>" for i in fees.items
    )
    return f"<p>Kosten in {fees.year}:</p><ul>{items}</ul>"


def _body_html(resolved: ResolvedProduct, base_url: str,
               unoffered: frozenset[str]) -> str:
    """The product text as the site shows it: sections, fees, delivery time.

    The Markdown is the site's own rendering (samenloket.markdown), links to
    products the gemeente does not offer included: they are plain text here
    too, so the feed never points to a page the site lacks.

    sc.xsd declares productHTML as `xs:any` XHTML with processContents="strict",
    but no XHTML schema belongs to SC 4.0, so real XHTML elements can never
    validate: the HTML goes in as escaped text (lxml escapes it on output).
    """
    # Content links may be paths on the own site; a harvester needs absolute URLs.
    return _relative_body_html(
        tuple(resolved.sections.items()), resolved.fees, resolved.delivery_time,
        resolved.local_text, resolved.gemeente.name if resolved.local_text else "",
        unoffered,
    ).replace('href="/', f'href="{base_url}/')


@lru_cache(maxsize=4096)
def _relative_body_html(sections: tuple[tuple[str, str], ...], fees: Fees,
                        delivery_time: str | None, local_text: str | None,
                        gemeente_name: str, unoffered: frozenset[str]) -> str:
    """The body with site-relative links; most gemeenten share it, so it is cached."""
    resolved_sections = dict(sections)
    parts: list[str] = []
    for key, heading in SECTIONS:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(site_markdown(resolved_sections[key], "/", unoffered))
        if key == "costs":
            parts.append(_fees_html(fees))
        elif key == "term" and delivery_time:
            parts.append(f"<p>{html.escape(delivery_time)}</p>")
    if local_text:
        name = html.escape(gemeente_name)
        parts.append(f"<h2>Informatie van de gemeente {name}</h2>")
        parts.append(site_markdown(local_text, "/", unoffered))
    return "".join(parts)


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _add_product(
    root: etree._Element, catalogue: Catalogue, resolved: ResolvedProduct,
    modified: str, base_url: str, unoffered: frozenset[str],
) -> None:
    gemeente = resolved.gemeente
    product = resolved.product
    sc = _sub(root, _SC + "scproduct", **{"owms-version": "4.0"})
    meta = _sub(sc, _SC + "meta")

    kern = _sub(meta, _SC + "owmskern")
    _sub(kern, _DC + "identifier", product_url(catalogue, gemeente.cbs_code,
                                               resolved.slug))
    _sub(kern, _DC + "title", resolved.title)
    _sub(kern, _DC + "language", "nl")
    # sc-owms-classes-redef.xsd: dcterms:type is fixed to 'productbeschrijving'.
    _sub(kern, _DC + "type", "productbeschrijving", scheme="overheid:Informatietype")
    owms = {"scheme": "overheid:Gemeente", "resourceIdentifier": gemeente.owms_uri}
    _sub(kern, _DC + "creator", gemeente.name, **owms)
    _sub(kern, _DC + "modified", modified)
    _sub(kern, _DC + "spatial", gemeente.name, **owms)
    # authority is the gemeente that offers the product page, also when another
    # organisation decides (the SC rules require an OWMS gemeente URI here).
    _sub(kern, _OV + "authority", gemeente.name, **owms)

    mantel = _sub(meta, _SC + "owmsmantel")
    for audience in dict.fromkeys(product.audience):
        _sub(mantel, _DC + "audience", audience, scheme="overheid:Doelgroep")
    _sub(mantel, _DC + "abstract", resolved.summary)

    scmeta = _sub(meta, _SC + "scmeta")
    _sub(scmeta, _SC + "productID", product_id(gemeente.cbs_code, resolved.slug))
    online = resolved.online_aanvragen
    _sub(scmeta, _SC + "onlineAanvragen", online)
    if online != "nee" and resolved.application_url:
        _sub(scmeta, _SC + "aanvraagURL", resourceIdentifier=resolved.application_url)
    for uri in product.upl:
        entry = catalogue.upl.get(uri)
        label = entry.label if entry is not None else uri.rsplit("/", 1)[-1]
        _sub(scmeta, _SC + "uniformeProductnaam", label,
             scheme="overheid:UniformeProductnaam", resourceIdentifier=uri)

    body = _sub(sc, _SC + "body")
    _sub(body, _SC + "productHTML", _body_html(resolved, base_url, unoffered))


def _new_root() -> etree._Element:
    root = etree.Element(_SC + "scproducten", nsmap=NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    return root


def serialize_feed(root: etree._Element) -> bytes:
    """A feed tree as the bytes that are published (UTF-8, pretty-printed)."""
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


@lru_cache(maxsize=1)
def feed_frame() -> tuple[bytes, bytes]:
    """Head (declaration and root start tag) and tail of every non-empty feed.

    The same for every gemeente: a feed is head + product pieces + tail.
    """
    root = _new_root()
    etree.SubElement(root, _SC + "scproduct")
    data = serialize_feed(root)
    start = data.index(_PIECE_START)
    end = data.rindex(b"</scproducten>")
    return data[:start], data[end:]


def render_sc_products(
    catalogue: Catalogue, products: Sequence[ResolvedProduct], modified: str,
    base_url: str,
) -> tuple[etree._Element, list[bytes]]:
    """The products in one root (to validate as built) and each one's feed bytes.

    Pretty-print indentation of a root child does not depend on its siblings and
    namespaces are declared on the root only, so a piece is the same bytes
    whichever products are rendered with it.
    """
    root = _new_root()
    unoffered: dict[str, frozenset[str]] = {}  # per gemeente
    for resolved in products:
        cbs = resolved.gemeente.cbs_code
        if cbs not in unoffered:
            unoffered[cbs] = not_offered(catalogue, cbs)
        _add_product(root, catalogue, resolved, modified, base_url, unoffered[cbs])
    if not products:
        return root, []
    data = serialize_feed(root)
    head, tail = feed_frame()
    if not (data.startswith(head) and data.endswith(tail)):
        raise AssertionError("SC-feed heeft een onverwachte kop of staart")
    starts = []
    at = data.find(_PIECE_START, len(head))
    while at != -1:
        starts.append(at)
        at = data.find(_PIECE_START, at + len(_PIECE_START))
    ends = starts[1:] + [len(data) - len(tail)]
    if len(starts) != len(products):
        raise AssertionError("SC-feed heeft niet één stuk per product")
    return root, [data[s:e] for s, e in zip(starts, ends, strict=True)]


def assemble_feed(pieces: Sequence[bytes]) -> bytes:
    """The whole feed from its product pieces (at least one)."""
    head, tail = feed_frame()
    return b"".join((head, *pieces, tail))


def render_sc_feed(
    catalogue: Catalogue, cbs_code: str, modified: date | None = None
) -> bytes:
    """One gemeente's SC 4.0 feed: every offered product with its local values."""
    if cbs_code not in catalogue.gemeenten:
        raise ValueError(
            f"onbekende gemeente {cbs_code}: gebruik een CBS-code uit "
            "content/reference/gemeenten.csv, zoals GM0344"
        )
    when = (modified or default_modified(catalogue)).isoformat()
    base_url = site_url(catalogue, cbs_code)
    root, pieces = render_sc_products(
        catalogue, offered_products(catalogue, cbs_code), when, base_url)
    # Without products the root is an empty element (<scproducten .../>).
    return assemble_feed(pieces) if pieces else serialize_feed(root)
