"""Incremental site exports: whole-rendering bytes, only changed pieces redone."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from exports_fixture import UTRECHT, ZWOLLE
from lxml import etree

from exports import (
    ExportError,
    ExportPiece,
    SiteExport,
    render_gemeente_json,
    render_sc_feed,
    site_exports,
    site_files,
)
from exports.opendata import OPEN_DATA_PATH, PRODUCT_START, dumps, gemeente_data
from exports.sc_feed import (
    _SC,
    NSMAP,
    SC_FEED_PATH,
    SCHEMA_LOCATION,
    XSI_NS,
    _add_product,
    default_modified,
    product_id,
    render_sc_products,
)
from samenloket.model import Catalogue
from samenloket.resolve import not_offered, offered_products, site_url

MODIFIED = date(2026, 3, 1)
PATHS = (SC_FEED_PATH, OPEN_DATA_PATH)
SLUG = "paspoort-aanvragen"


def whole_feed(catalogue: Catalogue, cbs_code: str, modified: date) -> bytes:
    """The feed as it was rendered before pieces: one tree, one tostring."""
    root = etree.Element(_SC + "scproducten", nsmap=NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    base_url = site_url(catalogue, cbs_code)
    unoffered = not_offered(catalogue, cbs_code)
    for resolved in offered_products(catalogue, cbs_code):
        _add_product(root, catalogue, resolved, modified.isoformat(), base_url,
                     unoffered)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)


def keys_for(catalogue: Catalogue, tag: str = "1") -> dict[str, str]:
    return {slug: f"{slug}@{tag}" for slug in catalogue.products}


def previous_of(exports: Mapping[str, SiteExport]
                ) -> dict[str, tuple[bytes, tuple[ExportPiece, ...]]]:
    return {path: (e.data, e.pieces) for path, e in exports.items()}


def with_product(catalogue: Catalogue, slug: str, **update: Any) -> Catalogue:
    product = catalogue.products[slug].model_copy(update=update)
    return catalogue.model_copy(update={"products": {**catalogue.products,
                                                     slug: product}})


def test_fresh_exports_equal_whole_rendering(catalogue: Catalogue) -> None:
    """Without a previous build, every gemeente's files are the whole renderings."""
    for code in sorted(catalogue.gemeenten):
        exports = site_exports(catalogue, code, keys_for(catalogue), None, MODIFIED)
        feed, data = exports[SC_FEED_PATH].data, exports[OPEN_DATA_PATH].data
        assert feed == whole_feed(catalogue, code, MODIFIED), code
        assert feed == render_sc_feed(catalogue, code, MODIFIED)
        tree = etree.fromstring(feed).getroottree()
        assert feed == etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                                      pretty_print=True)
        assert data == dumps(gemeente_data(catalogue, code)), code
        assert data == render_gemeente_json(catalogue, code)
        assert json.loads(data) == gemeente_data(catalogue, code)


def test_pieces_cover_one_product_each(catalogue: Catalogue) -> None:
    """Each piece is exactly one product's entry, in file order, with its key."""
    keys = keys_for(catalogue)
    exports = site_exports(catalogue, ZWOLLE, keys, None, MODIFIED)
    sc, od = exports[SC_FEED_PATH], exports[OPEN_DATA_PATH]
    products = offered_products(catalogue, ZWOLLE)
    assert [p.slug for p in sc.pieces] == [r.slug for r in products]
    assert [p.slug for p in od.pieces] == sorted(r.slug for r in products)
    assert sc.rendered == len(sc.pieces) and od.rendered == len(od.pieces)
    for piece in sc.pieces:
        chunk = sc.data[piece.start: piece.end]
        assert piece.key == keys[piece.slug]
        assert chunk.startswith(b"  <scproduct ") and chunk.endswith(b"</scproduct>\n")
        assert f"<productID>{product_id(ZWOLLE, piece.slug)}<".encode() in chunk
        assert b"xmlns" not in chunk  # namespaces stay declared on the root only
    products_json = json.loads(od.data)["products"]
    for piece, product in zip(od.pieces, products_json, strict=True):
        chunk = od.data[piece.start: piece.end]
        assert chunk.startswith(PRODUCT_START)
        assert json.loads(chunk) == product and product["slug"] == piece.slug


def test_sc_piece_does_not_depend_on_siblings(catalogue: Catalogue) -> None:
    """A product rendered alone gives the same bytes as within the whole feed."""
    products = offered_products(catalogue, ZWOLLE)
    base_url = site_url(catalogue, ZWOLLE)
    _, together = render_sc_products(catalogue, products, "2026-03-01", base_url)
    for resolved, piece in zip(products, together, strict=True):
        _, [alone] = render_sc_products(catalogue, [resolved], "2026-03-01", base_url)
        assert alone == piece


def test_one_changed_key_renders_one_piece(catalogue: Catalogue) -> None:
    """After editing one product only its pieces are rendered; bytes as from scratch."""
    keys = keys_for(catalogue)
    before = site_exports(catalogue, UTRECHT, keys, None, MODIFIED)
    edited = with_product(catalogue, SLUG,
                          summary="Vraag een nieuw paspoort aan bij uw gemeente.")
    after = site_exports(edited, UTRECHT, {**keys, SLUG: "new"},
                         previous_of(before), MODIFIED)
    scratch = site_exports(edited, UTRECHT, {}, None, MODIFIED)
    for path in PATHS:
        assert after[path].rendered == 1, path
        assert after[path].data == scratch[path].data != before[path].data
        assert [p.start for p in after[path].pieces] == [
            p.start for p in scratch[path].pieces]
    assert after[SC_FEED_PATH].data == whole_feed(edited, UTRECHT, MODIFIED)
    # and once more from the result: nothing changed, nothing rendered
    again = site_exports(edited, UTRECHT, {**keys, SLUG: "new"},
                         previous_of(after), MODIFIED)
    assert [again[p].rendered for p in PATHS] == [0, 0]
    assert all(again[p].data == after[p].data for p in PATHS)


def test_new_title_moves_the_piece(catalogue: Catalogue) -> None:
    """A new title changes the product's place in the feed; the rest is reused."""
    keys = keys_for(catalogue)
    before = site_exports(catalogue, UTRECHT, keys, None, MODIFIED)
    edited = with_product(catalogue, SLUG, title="Zeker een paspoort aanvragen")
    after = site_exports(edited, UTRECHT, {**keys, SLUG: "new"},
                         previous_of(before), MODIFIED)
    assert after[SC_FEED_PATH].pieces[-1].slug == SLUG
    assert before[SC_FEED_PATH].pieces[-1].slug != SLUG
    for path in PATHS:
        assert after[path].rendered == 1
        assert after[path].data == site_exports(edited, UTRECHT, {}, None,
                                                MODIFIED)[path].data


def test_the_key_decides(catalogue: Catalogue) -> None:
    """An unchanged key reuses the stale piece (the caller's contract); no key or
    an empty key always renders."""
    keys = keys_for(catalogue)
    before = site_exports(catalogue, UTRECHT, keys, None, MODIFIED)
    edited = with_product(catalogue, SLUG,
                          summary="Vraag een nieuw paspoort aan bij uw gemeente.")
    stale = site_exports(edited, UTRECHT, keys, previous_of(before), MODIFIED)
    for path in PATHS:
        assert stale[path].rendered == 0
        assert stale[path].data == before[path].data
    for new_keys in ({}, dict.fromkeys(keys, "")):
        fresh = site_exports(edited, UTRECHT, new_keys, previous_of(before), MODIFIED)
        for path in PATHS:
            assert fresh[path].rendered == len(fresh[path].pieces)
            assert fresh[path].data != before[path].data


def test_other_date_is_never_reused(catalogue: Catalogue) -> None:
    """A piece with another dcterms:modified is rendered again, whatever its key."""
    keys = keys_for(catalogue)
    before = site_exports(catalogue, ZWOLLE, keys, None, MODIFIED)
    later = site_exports(catalogue, ZWOLLE, keys, previous_of(before),
                         date(2027, 1, 1))
    assert later[SC_FEED_PATH].rendered == len(later[SC_FEED_PATH].pieces)
    assert later[OPEN_DATA_PATH].rendered == 0  # open data has no date
    assert later[SC_FEED_PATH].data == render_sc_feed(catalogue, ZWOLLE,
                                                      date(2027, 1, 1))


def _shift(pieces: tuple[ExportPiece, ...], by: int) -> tuple[ExportPiece, ...]:
    return tuple(p._replace(start=p.start + by, end=p.end + by) for p in pieces)


def _corruptions(good: Mapping[str, tuple[bytes, tuple[ExportPiece, ...]]],
                 other: Mapping[str, tuple[bytes, tuple[ExportPiece, ...]]]
                 ) -> dict[str, Any]:
    sc_data, sc_pieces = good[SC_FEED_PATH]
    od_data, od_pieces = good[OPEN_DATA_PATH]
    first, second = sc_pieces[0], sc_pieces[1]
    return {
        "truncated": {p: (d[: len(d) // 2], ps) for p, (d, ps) in good.items()},
        "one byte short": {p: (d[:-1], ps) for p, (d, ps) in good.items()},
        "shifted": {p: (d, _shift(ps, 1)) for p, (d, ps) in good.items()},
        "shifted back": {p: (d, _shift(ps, -1)) for p, (d, ps) in good.items()},
        "swapped files": {SC_FEED_PATH: good[OPEN_DATA_PATH],
                          OPEN_DATA_PATH: good[SC_FEED_PATH]},
        "other gemeente": other,
        "two products in one piece": {
            SC_FEED_PATH: (sc_data, (first._replace(end=second.end), *sc_pieces[2:])),
            OPEN_DATA_PATH: (od_data, (od_pieces[0]._replace(end=od_pieces[1].end),
                                       *od_pieces[2:]))},
        "overlapping": {p: (d, (ps[0], ps[1]._replace(start=ps[0].start), *ps[2:]))
                        for p, (d, ps) in good.items()},
        "out of bounds": {p: (d, (*ps[:-1], ps[-1]._replace(end=len(d) + 5)))
                          for p, (d, ps) in good.items()},
        "reversed": {p: (d, tuple(reversed(ps))) for p, (d, ps) in good.items()},
        "no pieces": {p: (d, ()) for p, (d, ps) in good.items()},
        "not bytes": {p: (d.decode(), ps) for p, (d, ps) in good.items()},
        "not pieces": {p: (d, [(x.slug, x.key, x.start, x.end) for x in ps])
                       for p, (d, ps) in good.items()},
        "not a pair": dict.fromkeys(PATHS, b"<scproducten/>"),
        "nothing": dict.fromkeys(PATHS),
    }


def test_inconsistent_previous_is_rendered_again(catalogue: Catalogue) -> None:
    """Broken previous data never raises and never ends up in the output."""
    keys = keys_for(catalogue)
    good = previous_of(site_exports(catalogue, ZWOLLE, keys, None, MODIFIED))
    other = previous_of(site_exports(catalogue, UTRECHT, keys, None, MODIFIED))
    scratch = site_exports(catalogue, ZWOLLE, keys, None, MODIFIED)
    for name, previous in _corruptions(good, other).items():
        result = site_exports(catalogue, ZWOLLE, keys, previous, MODIFIED)
        for path in PATHS:
            assert result[path].data == scratch[path].data, (name, path)
            assert result[path].pieces == scratch[path].pieces, (name, path)
            assert result[path].rendered == len(result[path].pieces), (name, path)


def test_site_files_and_defaults_use_the_same_path(catalogue: Catalogue) -> None:
    """site_files is site_exports without reuse; no date means default_modified."""
    files = site_files(catalogue, ZWOLLE)
    exports = site_exports(catalogue, ZWOLLE, {})
    assert files == {path: e.data for path, e in exports.items()}
    assert files[SC_FEED_PATH] == whole_feed(catalogue, ZWOLLE,
                                             default_modified(catalogue))


def test_unknown_gemeente(catalogue: Catalogue) -> None:
    with pytest.raises(ExportError) as info:
        site_exports(catalogue, "GM9999", {})
    assert [p.rule for p in info.value.problems] == ["gemeente"]


def test_real_content_pieces_equal_whole_rendering(real_catalogue: Catalogue) -> None:
    """The real content/ (gemeenten with local data and a spread of the others):
    fresh and incremental exports equal the whole renderings."""
    codes = sorted({*real_catalogue.profiles, *sorted(real_catalogue.gemeenten)[::50]})
    slug = sorted(real_catalogue.products)[0]
    edited = with_product(real_catalogue, slug, summary="Een nieuwe samenvatting "
                          "van dit product, voor de test.")
    keys = keys_for(real_catalogue)
    for code in codes:
        before = site_exports(real_catalogue, code, keys, None, MODIFIED)
        assert before[SC_FEED_PATH].data == whole_feed(real_catalogue, code, MODIFIED)
        assert before[OPEN_DATA_PATH].data == dumps(gemeente_data(real_catalogue, code))
        after = site_exports(edited, code, {**keys, slug: "new"}, previous_of(before),
                             MODIFIED)
        assert after[SC_FEED_PATH].data == whole_feed(edited, code, MODIFIED), code
        assert after[OPEN_DATA_PATH].data == dumps(gemeente_data(edited, code)), code
        offered = {p.slug for p in after[SC_FEED_PATH].pieces}
        assert after[SC_FEED_PATH].rendered == (slug in offered)
        assert after[OPEN_DATA_PATH].rendered == (slug in offered)
