"""Validation per piece: fresh pieces are checked like a whole feed, duplicates across
pieces are still caught, and the problems are the ones validate_feed reports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from exports_fixture import UTRECHT, ZWOLLE

from exports import (
    ExportError,
    ExportPiece,
    SiteExport,
    render_sc_feed,
    site_exports,
    validate_feed,
)
from exports.problems import FeedProblem
from exports.sc_feed import SC_FEED_PATH, assemble_feed, product_id
from exports.sc_pieces import FeedEntry, cross_product_problems
from samenloket.model import Catalogue
from samenloket.resolve import product_url

MODIFIED = date(2026, 3, 1)
SLUG = "paspoort-aanvragen"


def _keys(catalogue: Catalogue) -> dict[str, str]:
    return {slug: "1" for slug in catalogue.products}


def _with_product(catalogue: Catalogue, slug: str, **update: Any) -> Catalogue:
    product = catalogue.products[slug].model_copy(update=update)
    return catalogue.model_copy(update={"products": {**catalogue.products,
                                                     slug: product}})


def _with_local(catalogue: Catalogue, code: str, slug: str,
                **update: Any) -> Catalogue:
    profile = catalogue.profiles[code]
    local = profile.products[slug].model_copy(update=update)
    profile = profile.model_copy(update={"products": {**profile.products,
                                                      slug: local}})
    return catalogue.model_copy(update={"profiles": {**catalogue.profiles,
                                                     code: profile}})


def _problems(catalogue: Catalogue, code: str,
              previous: dict[str, tuple[bytes, tuple[ExportPiece, ...]]] | None = None,
              keys: dict[str, str] | None = None) -> list[FeedProblem]:
    with pytest.raises(ExportError) as info:
        site_exports(catalogue, code, keys or {}, previous, MODIFIED)
    return info.value.problems


def _previous(exports: dict[str, SiteExport]
              ) -> dict[str, tuple[bytes, tuple[ExportPiece, ...]]]:
    return {path: (e.data, e.pieces) for path, e in exports.items()}


@pytest.mark.parametrize("case", ["unknown-upl", "second-upl-unknown", "abstract-html",
                                  "xsd-empty-title"])
def test_broken_fresh_piece_is_refused(catalogue: Catalogue, case: str) -> None:
    """A rendered piece that breaks a rule raises ExportError with exactly the
    problems (rule, gemeente, product, line) validate_feed finds in the whole feed,
    also when every other piece is reused."""
    update: dict[str, Any] = {
        "unknown-upl": {"upl": ("http://standaarden.overheid.nl/owms/terms/paspoortje",)},
        "second-upl-unknown": {"upl": ("http://standaarden.overheid.nl/owms/terms/paspoort",
                              "http://standaarden.overheid.nl/owms/terms/onbekend")},
        "abstract-html": {"summary": "Vraag <b>snel</b> een paspoort aan, hier."},
        "xsd-empty-title": {"title": ""},
    }[case]
    broken = _with_product(catalogue, SLUG, **update)
    expected = validate_feed(render_sc_feed(broken, UTRECHT, MODIFIED), broken)
    assert expected
    keys = _keys(catalogue)
    good = _previous(site_exports(catalogue, UTRECHT, keys, None, MODIFIED))
    for previous in (None, good):
        problems = _problems(broken, UTRECHT, previous, {**keys, SLUG: "2"})
        assert problems == expected, case
        assert all(p.gemeente == "Utrecht (GM0344)" for p in problems)
        assert all(p.product.startswith("GM0344-paspoort-aanvragen") for p in problems)
        assert all(p.line is not None and p.line > 2 for p in problems)


def test_local_application_url_not_https(catalogue: Catalogue) -> None:
    """A local http:// application link is refused, naming Zwolle and the product."""
    broken = _with_local(catalogue, ZWOLLE, "rijbewijs-verlengen",
                         application_url="http://www.zwolle.nl/rijbewijs")
    [problem] = _problems(broken, ZWOLLE)
    assert problem.rule == "aanvraag-url"
    assert problem.gemeente == "Zwolle (GM0193)"
    assert problem.product == ('GM0193-rijbewijs-verlengen '
                               '"Rijbewijs verlengen in Zwolle"')
    assert [problem] == validate_feed(render_sc_feed(broken, ZWOLLE, MODIFIED),
                                      broken)
    assert "[aanvraag-url]" in problem.format()


def test_problem_of_unchanged_piece_is_not_checked_again(catalogue: Catalogue) -> None:
    """Reused pieces are not validated again: a key kept by mistake for an edited
    product gives the old, valid piece (the caller's contract), never a new check."""
    keys = _keys(catalogue)
    good = site_exports(catalogue, UTRECHT, keys, None, MODIFIED)
    broken = _with_product(catalogue, SLUG, summary="Vraag <b>snel</b> een paspoort.")
    stale = site_exports(broken, UTRECHT, keys, _previous(good), MODIFIED)
    assert stale[SC_FEED_PATH].data == good[SC_FEED_PATH].data
    assert stale[SC_FEED_PATH].rendered == 0


def _entry(feed: bytes, at: int, title: str, code: str, slug: str) -> FeedEntry:
    pid = product_id(code, slug)
    line = feed.count(b"\n", 0, feed.find(b"<productID>", at)) + 1
    id_line = feed.count(b"\n", 0, feed.find(b"<dcterms:identifier>", at)) + 1
    return FeedEntry(f'{pid} "{title}"', pid, f"https://zwolle.samenloket.nl/"
                     f"producten/{slug}/", line, id_line)


def test_duplicate_across_pieces(catalogue: Catalogue) -> None:
    """The same product twice (e.g. one piece reused twice) gives dubbel-productid
    and dubbel-identifier, the problems validate_feed reports for that feed."""
    sc = site_exports(catalogue, ZWOLLE, {}, None, MODIFIED)[SC_FEED_PATH]
    first = sc.pieces[0]
    chunk = sc.data[first.start: first.end]
    feed = assemble_feed([chunk, chunk])
    expected = validate_feed(feed, catalogue)
    assert {p.rule for p in expected} == {"dubbel-productid", "dubbel-identifier"}
    title = "Paspoort aanvragen"
    assert first.slug == SLUG
    assert product_url(catalogue, ZWOLLE, SLUG) == (
        f"https://zwolle.samenloket.nl/producten/{SLUG}/")
    second_at = feed.index(b"<scproduct ", feed.index(b"<scproduct ") + 1)
    entries = [_entry(feed, 0, title, ZWOLLE, SLUG),
               _entry(feed, second_at, title, ZWOLLE, SLUG)]
    assert cross_product_problems("Zwolle (GM0193)", entries) == expected


def test_no_products(catalogue: Catalogue) -> None:
    """A gemeente that offers nothing gets the same problems as before (the empty
    feed is validated whole) and the cross-product check says so too."""
    nothing = catalogue.model_copy(update={"products": {
        slug: p.model_copy(update={"default_offered": False})
        for slug, p in catalogue.products.items()}})
    feed = render_sc_feed(nothing, UTRECHT, MODIFIED)
    assert feed.rstrip().endswith(b"/>")
    problems = _problems(nothing, UTRECHT)
    assert problems == validate_feed(feed, nothing)
    assert "geen-producten" in {p.rule for p in problems}
    [empty] = cross_product_problems("Utrecht (GM0344)", [])
    assert empty.rule == "geen-producten"
