"""Publish exports: all-or-nothing writing of feeds and open data, and site files.

A feed that fails validation is never published: everything is rendered and
checked first, and only when every feed is valid is anything written, each file
via a temporary file and os.replace (a reader never sees half a file). Files whose
bytes did not change are not touched, so an unchanged build writes nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from samenloket.model import Catalogue

from .incremental import sc_export, site_exports
from .opendata import NATIONAL_FILE, render_gemeente_json, render_national_json
from .problems import ExportError, FeedProblem, unknown_gemeenten
from .sc_feed import default_modified

FEED_FILE = "producten.xml"
OPEN_DATA_FILE = "producten.json"


@dataclass(frozen=True)
class WriteSummary:
    """What an export did: files and products, and how many files changed."""

    files: int
    products: int
    written: int
    unchanged: int


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace path with data in one step; False (and no write) if unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _write_all(files: dict[Path, bytes], products: int) -> WriteSummary:
    written = sum(write_atomic(path, data) for path, data in sorted(files.items()))
    return WriteSummary(len(files), products, written, len(files) - written)


def _codes(catalogue: Catalogue, cbs_codes: Iterable[str] | None) -> list[str]:
    codes = sorted(catalogue.gemeenten) if cbs_codes is None else list(cbs_codes)
    unknown = [c for c in codes if c not in catalogue.gemeenten]
    if unknown:
        raise unknown_gemeenten(unknown)
    return codes


def render_valid_feed(
    catalogue: Catalogue, cbs_code: str, modified: date | None = None
) -> tuple[bytes, list[FeedProblem]]:
    """A gemeente's feed and its problems (empty when it may be published)."""
    feed, problems = sc_export(catalogue, cbs_code, {}, None, modified)
    return feed.data, problems


def export_all(
    catalogue: Catalogue,
    out_dir: Path,
    cbs_codes: Iterable[str] | None = None,
    modified: date | None = None,
) -> WriteSummary:
    """Write <out_dir>/<gemeente-slug>/producten.xml for every (or the given) gemeente.

    Raises ExportError with every problem of every feed, having written nothing,
    when any feed is invalid.
    """
    codes = _codes(catalogue, cbs_codes)
    when = modified or default_modified(catalogue)
    files: dict[Path, bytes] = {}
    problems: list[FeedProblem] = []
    products = 0
    for code in codes:
        feed, found = render_valid_feed(catalogue, code, when)
        problems += found
        products += feed.count(b"<scproduct ")
        files[Path(out_dir) / catalogue.gemeenten[code].slug / FEED_FILE] = feed
    if problems:
        raise ExportError(problems)
    return _write_all(files, products)


def export_opendata(
    catalogue: Catalogue, out_dir: Path, cbs_codes: Iterable[str] | None = None
) -> WriteSummary:
    """Write <out_dir>/catalogus.json and <out_dir>/<gemeente-slug>/producten.json."""
    codes = _codes(catalogue, cbs_codes)
    out = Path(out_dir)
    files = {out / NATIONAL_FILE: render_national_json(catalogue)}
    products = 0
    for code in codes:
        data = render_gemeente_json(catalogue, code)
        products += data.count(b'"sc_product_id"')
        files[out / catalogue.gemeenten[code].slug / OPEN_DATA_FILE] = data
    return _write_all(files, products)


def site_files(
    catalogue: Catalogue, cbs_code: str, modified: date | None = None
) -> dict[str, bytes]:
    """The export files of one gemeente's site, keyed by path inside the site.

    Called once per site by sitegen; raises ExportError (naming gemeente, product
    and rule) instead of returning a feed overheid.nl would reject. This is
    `site_exports` without a previous build to reuse pieces from.
    """
    _codes(catalogue, [cbs_code])
    exports = site_exports(catalogue, cbs_code, {}, None, modified)
    return {path: export.data for path, export in exports.items()}
