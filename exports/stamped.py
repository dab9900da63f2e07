"""A gemeente's SC feed and open data, filled in from a placeholder gemeente's.

Gemeenten without local data have feeds that differ only in their identity
(see samenloket.stamp). `export_stamps` renders both files once for the
placeholder gemeente of a masked catalogue, without validating them (the
placeholder's OWMS URI is on no list); `ExportStamp.fill` gives one gemeente's
file with the same pieces and bytes as exports.incremental.site_exports.

What makes a filled feed valid: the caller compares the first filled copy with
a real, fully validated export of the same gemeente and only fills further
copies when they are equal, so every product piece has passed the XSD and the
SC rules with real values. The rules whose outcome depends on the identity
values themselves are checked per gemeente by `identity_ok`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from samenloket.model import Catalogue
from samenloket.resolve import offered_products, site_url
from samenloket.stamp import MASK_CBS, Stamp, value_fields

from .opendata import OPEN_DATA_PATH, gemeente_frame, render_product_pieces
from .pieces import ExportPiece, SiteExport
from .sc_feed import SC_FEED_PATH, default_modified, feed_frame, render_sc_products
from .sc_validate import _is_https_url

Counts = tuple[tuple[bytes, int], ...]  # (Stamp key, how often it occurs)


@dataclass(frozen=True)
class ExportStamp:
    """One export file of the placeholder gemeente: frame and product pieces."""

    head: Stamp
    pieces: tuple[tuple[str, Stamp], ...]  # (product slug, its piece) in file order
    tail: Stamp
    gap: bytes  # between two pieces

    def fill(self, values: tuple[bytes, ...], keys: Mapping[str, str]) -> SiteExport:
        """The file of the gemeente with these identity values; keys as given to
        site_exports (the key of each piece, for the next incremental build).

        The file comes from one bytes-formatting of `_layout`'s template (no
        Python step per value), and each piece's range follows from the
        lengths of the values: pieces with the same slots grow by the same.
        """
        template, head, ranges, groups = self._layout
        fields = value_fields(values)
        data = template % fields
        growth = [sum(len(fields[key]) * times for key, times in counts)
                  for counts in groups]  # per distinct set of slots, few
        at = head[0] + growth[head[1]]
        gap = len(self.gap)
        pieces = []
        for slug, fixed, group in ranges:
            end = at + fixed + growth[group]
            pieces.append(ExportPiece(slug, keys.get(slug, ""), at, end))
            at = end + gap
        return SiteExport(data, tuple(pieces), 0)

    @cached_property
    def _layout(self) -> tuple[bytes, tuple[int, int], list[tuple[str, int, int]],
                               list[Counts]]:
        """The whole file as one bytes %-template (see Stamp.template); the
        head's and each piece's length without values and which group of
        pieces it is in: the pieces of a group hold the same slots, as often
        (`groups`, each how often each slot occurs)."""
        groups: dict[Counts, int] = {}

        def measure(stamp: Stamp) -> tuple[int, int]:
            counts = tuple(sorted(Counter(stamp.keys).items()))
            return (sum(len(s) for s in stamp.segments),
                    groups.setdefault(counts, len(groups)))

        gap = self.gap.replace(b"%", b"%%")
        template = (self.head.template
                    + gap.join(stamp.template for _, stamp in self.pieces)
                    + self.tail.template)
        head = measure(self.head)
        ranges = [(slug, *measure(stamp)) for slug, stamp in self.pieces]
        return template, head, ranges, list(groups)


def _stamps(*parts: bytes) -> list[Stamp] | None:
    stamps = [Stamp.parse(part) for part in parts]
    return None if any(s is None for s in stamps) else stamps  # type: ignore[misc]


def export_stamps(
    masked: Catalogue, modified: date | None = None
) -> dict[str, ExportStamp] | None:
    """Both export files of the placeholder gemeente (MASK_CBS) of a masked
    catalogue, keyed by path in the site; None if they cannot be stamped (no
    products: an empty feed is validated whole, per gemeente)."""
    products = offered_products(masked, MASK_CBS)
    if not products:
        return None
    base_url = site_url(masked, MASK_CBS)
    when = (modified or default_modified(masked)).isoformat()
    _, rendered = render_sc_products(masked, products, when, base_url)
    head, tail = feed_frame()
    sc = _stamps(head, tail, *rendered)
    by_slug = {r.slug: r for r in products}
    slugs = sorted(by_slug)
    json_pieces = render_product_pieces(
        masked, MASK_CBS, [by_slug[s] for s in slugs], by_slug.keys())
    json_head, json_tail = gemeente_frame(masked, MASK_CBS)
    data = _stamps(json_head, json_tail, *json_pieces)
    if sc is None or data is None:
        return None
    return {
        SC_FEED_PATH: ExportStamp(sc[0], tuple(zip([r.slug for r in products], sc[2:],
                                                   strict=True)), sc[1], b""),
        OPEN_DATA_PATH: ExportStamp(data[0], tuple(zip(slugs, data[2:], strict=True)),
                                    data[1], b","),
    }


def identity_ok(catalogue: Catalogue, cbs_code: str, owms: Collection[str]) -> bool:
    """Do this gemeente's own values pass the SC rules that look at them?

    spatial, authority and creator must name an OWMS URI of a current gemeente,
    and every dcterms:identifier (the site's address plus a product path) must
    be an https link. False sends the gemeente down the fully validated path,
    which reports the exact problem. `owms`: the OWMS URIs of the catalogue's
    gemeenten (sc_pieces.owms_gemeenten), made once for many gemeenten.
    """
    uri = catalogue.gemeenten[cbs_code].owms_uri.strip()
    return uri in owms and _is_https_url(site_url(catalogue, cbs_code))
