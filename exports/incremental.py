"""A site's export files, rendered per product and reusing unchanged pieces.

Building all sites after an edit of one national product must not render and
validate every gemeente's whole SC feed and open-data file again: only the
pieces whose key changed are rendered (and, for SC, validated); the others are
taken from the previous build (see exports.pieces). The bytes are the same as a
rendering from scratch, which is this same code with no previous build.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from samenloket.model import Catalogue
from samenloket.resolve import (
    ResolvedProduct,
    offered_products,
    product_url,
    site_url,
)

from .opendata import (
    OPEN_DATA_PATH,
    assemble_gemeente,
    gemeente_frame,
    render_product_pieces,
)
from .pieces import (
    ExportPiece,
    Previous,
    SiteExport,
    json_layout_ok,
    reusable_pieces,
    sc_layout_ok,
)
from .problems import ExportError, FeedProblem, unknown_gemeenten
from .sc_feed import (
    SC_FEED_PATH,
    assemble_feed,
    default_modified,
    feed_frame,
    product_id,
    render_sc_products,
    serialize_feed,
)
from .sc_pieces import (
    FeedEntry,
    built_products_valid,
    cross_product_problems,
    gemeente_label,
    owms_gemeenten,
    piece_problems,
    product_label,
)
from .sc_validate import validate_feed


def _line(data: bytes, at: int) -> int | None:
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


def _combine(
    slugs: Sequence[str], reused: Mapping[str, bytes], new: Mapping[str, bytes],
    keys: Mapping[str, str], start: int, gap: int,
) -> tuple[list[bytes], tuple[ExportPiece, ...]]:
    """The pieces in file order, laid out from start with gap bytes between them."""
    chunks: list[bytes] = []
    pieces: list[ExportPiece] = []
    for slug in slugs:
        chunk = new[slug] if slug in new else reused[slug]
        end = start + len(chunk)
        pieces.append(ExportPiece(slug, keys.get(slug, ""), start, end))
        chunks.append(chunk)
        start = end + gap
    return chunks, tuple(pieces)


def _fresh_problems(catalogue: Catalogue, export: SiteExport,
                    fresh: Collection[str]) -> list[FeedProblem]:
    """The exact problems of the fresh pieces, each parsed as a one-product feed."""
    data = export.data
    problems: list[FeedProblem] = []
    for piece in export.pieces:
        if piece.slug in fresh:
            problems += piece_problems(data[piece.start: piece.end], catalogue,
                                       _line(data, piece.start) or 1)
    problems.sort(key=lambda p: p.rule != "xsd")  # XSD first, as validate_feed
    return problems


def _cross_problems(
    catalogue: Catalogue, cbs_code: str, products: Sequence[ResolvedProduct],
    export: SiteExport, gemeente: str,
) -> list[FeedProblem]:
    """The rules across products, from productID and identifier per slug."""
    ids = [product_id(cbs_code, r.slug) for r in products]
    urls = [product_url(catalogue, cbs_code, r.slug) for r in products]
    if len(set(ids)) == len(ids) == len(set(urls)):
        return []  # the usual case: nothing twice, no labels or lines needed
    data = export.data
    entries = [
        FeedEntry(product_label(pid, r.title), pid, url,
                  _line(data, data.find(b"<productID>", p.start, p.end)),
                  _line(data, data.find(b"<dcterms:identifier>", p.start, p.end)))
        for pid, url, r, p in zip(ids, urls, products, export.pieces, strict=True)
    ]
    return cross_product_problems(gemeente, entries)


def _sc_export(
    catalogue: Catalogue, cbs_code: str, products: Sequence[ResolvedProduct],
    keys: Mapping[str, str], previous: Previous | None, when: str,
    given: Mapping[str, bytes] | None = None,
) -> tuple[SiteExport, list[FeedProblem]]:
    """The feed from given, reused and fresh pieces; only fresh pieces are
    validated."""
    date_tag = f"<dcterms:modified>{when}</dcterms:modified>".encode()

    def belongs(slug: str, chunk: bytes) -> bool:
        pid = f"<productID>{product_id(cbs_code, slug)}</productID>".encode()
        return pid in chunk and date_tag in chunk

    slugs = [r.slug for r in products]
    reused = {**reusable_pieces(previous, keys, sc_layout_ok, belongs), **(given or {})}
    fresh = [r for r, slug in zip(products, slugs, strict=True) if slug not in reused]
    root, rendered = render_sc_products(
        catalogue, fresh, when, site_url(catalogue, cbs_code))
    if not products:  # an empty <scproducten/>: validate it whole, as before
        data = serialize_feed(root)
        return SiteExport(data, (), 0), validate_feed(data, catalogue)
    new = {r.slug: chunk for r, chunk in zip(fresh, rendered, strict=True)}
    chunks, pieces = _combine(slugs, reused, new, keys, len(feed_frame()[0]), 0)
    export = SiteExport(assemble_feed(chunks), pieces, len(fresh))
    owms = owms_gemeenten(catalogue)
    problems = []
    if fresh and not built_products_valid(root, catalogue, owms):
        problems = _fresh_problems(catalogue, export, new)
    gemeente = gemeente_label(catalogue, cbs_code, owms)
    return export, problems + _cross_problems(catalogue, cbs_code, products, export,
                                              gemeente)


def sc_export(
    catalogue: Catalogue, cbs_code: str, keys: Mapping[str, str],
    previous: Previous | None = None, modified: date | None = None,
) -> tuple[SiteExport, list[FeedProblem]]:
    """A gemeente's SC feed and its problems (empty when it may be published)."""
    when = (modified or default_modified(catalogue)).isoformat()
    return _sc_export(catalogue, cbs_code, offered_products(catalogue, cbs_code),
                      keys, previous, when)


def _opendata_export(
    catalogue: Catalogue, cbs_code: str, offered: Sequence[ResolvedProduct],
    keys: Mapping[str, str], previous: Previous | None,
    given: Mapping[str, bytes] | None = None,
) -> SiteExport:
    """The open-data file from given, reused and fresh pieces, products in slug
    order."""
    by_slug = {r.slug: r for r in offered}
    slugs = sorted(by_slug)
    head, tail = gemeente_frame(catalogue, cbs_code)

    def belongs(slug: str, chunk: bytes) -> bool:
        return f'"sc_product_id":"{product_id(cbs_code, slug)}"'.encode() in chunk

    reused = {**reusable_pieces(previous, keys, json_layout_ok(tail), belongs),
              **(given or {})}
    fresh = [s for s in slugs if s not in reused]
    rendered = render_product_pieces(
        catalogue, cbs_code, [by_slug[s] for s in fresh], by_slug.keys())
    new = dict(zip(fresh, rendered, strict=True))
    chunks, pieces = _combine(slugs, reused, new, keys, len(head), 1)
    return SiteExport(assemble_gemeente(head, chunks, tail), pieces, len(fresh))


def opendata_export(
    catalogue: Catalogue, cbs_code: str, keys: Mapping[str, str],
    previous: Previous | None = None,
) -> SiteExport:
    """A gemeente's open-data file (open-data/producten.json)."""
    return _opendata_export(catalogue, cbs_code, offered_products(catalogue, cbs_code),
                            keys, previous)


def site_exports(
    catalogue: Catalogue,
    cbs_code: str,
    keys: Mapping[str, str],
    previous: Mapping[str, Previous] | None = None,
    modified: date | None = None,
    given: Mapping[str, Mapping[str, bytes]] | None = None,
) -> dict[str, SiteExport]:
    """The SC feed and open data of one gemeente's site, keyed by path in the site.

    keys: slug -> key of every offered product; the caller changes a product's
    key whenever any input of its entry changes ("" or no key: always render).
    previous: path -> (old file bytes, its old pieces), from an earlier call.
    given: path -> slug -> the bytes of that product's entry, made for this
    gemeente and checked elsewhere (filled in from a shape's, see
    sitegen.shapes.ExportShape): used as they are, not validated again.
    Raises ExportError (naming gemeente, product and rule) for an invalid feed.
    """
    if cbs_code not in catalogue.gemeenten:
        raise unknown_gemeenten([cbs_code])
    previous = previous or {}
    given = given or {}
    products = offered_products(catalogue, cbs_code)
    when = (modified or default_modified(catalogue)).isoformat()
    feed, problems = _sc_export(catalogue, cbs_code, products, keys,
                                previous.get(SC_FEED_PATH), when,
                                given.get(SC_FEED_PATH))
    if problems:
        raise ExportError(problems)
    return {
        SC_FEED_PATH: feed,
        OPEN_DATA_PATH: _opendata_export(catalogue, cbs_code, products, keys,
                                         previous.get(OPEN_DATA_PATH),
                                         given.get(OPEN_DATA_PATH)),
    }
