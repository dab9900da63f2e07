"""Validate an SC feed piece by piece: fresh products fully, all products together.

A piece reused from an earlier build was validated when it was rendered, so only
fresh pieces go through the XSD and the per-product rules of sc_validate. The
rules that compare products (duplicate productID or identifier, no products at
all) are checked over every piece from values kept per product, without parsing
reused pieces. Problems name gemeente, product, rule and fix, with the line in
the whole feed, exactly as `validate_feed` reports them for the assembled feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from lxml import etree

from samenloket.model import Catalogue, Gemeente

from .problems import FeedProblem
from .sc_feed import SC_NS, feed_frame
from .sc_validate import (
    _XSD_LOCK,
    _Checker,
    _duplicate_identifier,
    _duplicate_product_id,
    _is_https_url,
    _owms,
    no_products,
    sc_schema,
    validate_feed,
)

_SCPRODUCT = f"{{{SC_NS}}}scproduct"


@dataclass(frozen=True)
class FeedEntry:
    """What the cross-product rules need of one product in a feed."""

    label: str
    product_id: str
    identifier: str
    product_id_line: int | None = None
    identifier_line: int | None = None


def owms_gemeenten(catalogue: Catalogue) -> dict[str, Gemeente]:
    """OWMS URI -> gemeente; made once per feed and shared by the checks."""
    return _owms(catalogue)


def gemeente_label(catalogue: Catalogue, cbs_code: str,
                   owms: dict[str, Gemeente]) -> str:
    """The gemeente as problems name it: what validate_feed derives from the feed."""
    gemeente = catalogue.gemeenten[cbs_code]
    known = owms.get(gemeente.owms_uri.strip())
    if known is not None:
        return f"{known.name} ({known.cbs_code})"
    return gemeente.name.strip()


def product_label(product_id: str, title: str) -> str:
    """A product as problems name it: productID and title (as validate_feed does)."""
    pid = product_id.strip() or "zonder productID"
    title = title.strip()
    return f'{pid} "{title}"' if title else pid


def built_products_valid(root: etree._Element, catalogue: Catalogue,
                         owms: dict[str, Gemeente]) -> bool:
    """Do freshly built products pass the XSD and every SC rule?

    Checks the tree as built, without serialising and parsing it again; only
    when something is wrong are the pieces parsed (see `piece_problems`) to
    report line numbers.
    """
    schema = sc_schema()
    with _XSD_LOCK:
        if not schema.validate(root):
            return False
    checker = _Checker(catalogue, "", owms)
    for sc in root.iterfind(_SCPRODUCT):
        checker.check(sc, "")
    return not checker.problems


def piece_problems(piece: bytes, catalogue: Catalogue,
                   first_line: int) -> list[FeedProblem]:
    """The problems of one piece, validated as a one-product feed.

    first_line is where the piece starts in the whole feed; problem lines are
    moved there, so they point into the file that would be published.
    """
    head, tail = feed_frame()
    shift = first_line - head.count(b"\n") - 1
    return [
        p if p.line is None else replace(p, line=p.line + shift)
        for p in validate_feed(head + piece + tail, catalogue)
    ]


def cross_product_problems(gemeente: str,
                           entries: Sequence[FeedEntry]) -> list[FeedProblem]:
    """The rules over all products of a feed: at least one, no productID or
    identifier twice (an identifier that is no https link is a per-product
    problem and is not compared, as in validate_feed)."""
    if not entries:
        return [no_products(gemeente)]
    if (len({e.product_id.strip() for e in entries}) == len(entries)
            and len({e.identifier.strip() for e in entries}) == len(entries)):
        return []  # nothing twice: the usual case, without parsing any URL
    problems: list[FeedProblem] = []
    seen_identifiers: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for entry in entries:
        identifier = entry.identifier.strip()
        if _is_https_url(identifier):
            if identifier in seen_identifiers:
                problems.append(_duplicate_identifier(
                    gemeente, entry.label, identifier, seen_identifiers[identifier],
                    entry.identifier_line))
            else:
                seen_identifiers[identifier] = entry.label
        pid = entry.product_id.strip()
        if pid and pid in seen_ids:
            problems.append(_duplicate_product_id(
                gemeente, entry.label, pid, entry.product_id_line))
        elif pid:
            seen_ids[pid] = entry.label
    return problems
