"""Export files as per-product pieces, and which pieces of a previous build to reuse.

After an edit of one national product, only that product's entry changes in each
gemeente's SC feed and open-data file. The caller keys every product with a value
that changes whenever any input of its entry changes; a previous piece with the
same slug and key is sliced out of the old bytes instead of being rendered and
validated again. Previous data is never trusted blindly: unless the old file is
laid out exactly as this code writes it, none of its pieces is reused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .opendata import PRODUCT_START
from .sc_feed import feed_frame

_SC_PIECE_START = b"  <scproduct "
_SC_PIECE_END = b"</scproduct>\n"
_JSON_ID_KEY = b'"sc_product_id":'


class ExportPiece(NamedTuple):
    """Where one product's entry sits in an export file (byte range), and its key.

    A named tuple, not a frozen dataclass: a cold build makes ~44,000 of them
    (every product of both files of every site), and a frozen dataclass takes
    twice as long to make one (0.53 against 0.24 µs here).
    """

    slug: str
    key: str
    start: int
    end: int  # data[start:end] is exactly this product's entry


@dataclass(frozen=True)
class SiteExport:
    """One export file of a site, with its pieces for the next incremental build."""

    data: bytes  # the whole file
    pieces: tuple[ExportPiece, ...]  # one per offered product, in file order
    rendered: int  # pieces rendered (and validated) this time; the rest reused


Previous = tuple[bytes, Sequence[ExportPiece]]


def _ranges_ok(data: bytes, pieces: Sequence[ExportPiece]) -> bool:
    """Pieces in file order, inside data, not overlapping."""
    end = 0
    for piece in pieces:
        if not (isinstance(piece, ExportPiece) and isinstance(piece.slug, str)):
            return False
        start = piece.start
        if not (isinstance(start, int) and isinstance(piece.end, int)
                and end <= start < piece.end <= len(data)):
            return False
        end = piece.end
    return True


def _tiled(data: bytes, pieces: Sequence[ExportPiece], gap: bytes, start: bytes,
           end: bytes) -> bool:
    """Do the pieces follow each other with gap between them, each starting with
    start and ending with end? (Checked in place: no copies of 400 KB files.)"""
    for piece, following in zip(pieces, pieces[1:], strict=False):
        if data[piece.end: following.start] != gap:
            return False
    return all(
        data.startswith(start, piece.start) and data.endswith(end, piece.start,
                                                               piece.end)
        for piece in pieces
    )


def sc_layout_ok(data: bytes, pieces: Sequence[ExportPiece]) -> bool:
    """Is data a feed of ours, cut into exactly one scproduct per piece?

    '<scproduct ' is always a start tag ('<' in text is escaped): with as many in
    the file as there are pieces, each starting with one, each piece is one
    product.
    """
    head, tail = feed_frame()
    return (data[: pieces[0].start] == head and data[pieces[-1].end:] == tail
            and data.count(b"<scproduct ") == len(pieces)
            and _tiled(data, pieces, b"", _SC_PIECE_START, _SC_PIECE_END))


def json_layout_ok(tail: bytes) -> Callable[[bytes, Sequence[ExportPiece]], bool]:
    """Is data a gemeente file of ours (ending in tail), cut into one product per
    piece, the pieces separated by a single comma?

    '"sc_product_id":' is always a key of a product ('"' in a string is escaped)
    and every product starts with PRODUCT_START: with as many of them in the file
    as there are pieces, each piece is one product.
    """

    def layout_ok(data: bytes, pieces: Sequence[ExportPiece]) -> bool:
        return (data.endswith(b'"products":[', 0, pieces[0].start)
                and data[pieces[-1].end:] == tail
                and data.count(_JSON_ID_KEY) == len(pieces)
                and _tiled(data, pieces, b",", PRODUCT_START, b"}"))

    return layout_ok


def reusable_pieces(
    previous: Previous | None,
    keys: Mapping[str, str],
    layout_ok: Callable[[bytes, Sequence[ExportPiece]], bool],
    belongs: Callable[[str, bytes], bool],
) -> dict[str, bytes]:
    """slug -> old bytes of every previous piece that may be used as it is.

    A piece is reused only when its slug and key equal the new ones (an empty key
    never matches), belongs(slug, bytes) agrees (right gemeente, right date) and
    the whole old file passes layout_ok. Anything inconsistent means: render.
    """
    try:
        data, old = previous
        pieces = tuple(old)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, bytes) or not pieces or not _ranges_ok(data, pieces):
        return {}
    if not layout_ok(data, pieces):
        return {}
    reused: dict[str, bytes] = {}
    for piece in pieces:
        key = keys.get(piece.slug, "")
        if key and piece.key == key:
            chunk = data[piece.start: piece.end]
            if belongs(piece.slug, chunk):
                reused[piece.slug] = chunk
    return reused
