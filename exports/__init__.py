"""Exports of the catalogue: SC 4.0 feeds for overheid.nl, SC import, open data.

`site_files(catalogue, cbs_code)` is what sitegen calls once per site;
`site_exports(...)` does the same incrementally, reusing the pieces (one per
product) of a previous build whose key did not change. The CLI
commands `sc-export`, `sc-import` and `opendata` live in exports/commands_*.py.
"""

from .incremental import site_exports
from .opendata import render_gemeente_json, render_national_json
from .pieces import ExportPiece, SiteExport
from .problems import ExportError, FeedProblem
from .publish import export_all, export_opendata, site_files
from .sc_feed import render_sc_feed
from .sc_validate import validate_feed

__all__ = [
    "ExportError",
    "ExportPiece",
    "FeedProblem",
    "SiteExport",
    "export_all",
    "export_opendata",
    "render_gemeente_json",
    "render_national_json",
    "render_sc_feed",
    "site_exports",
    "site_files",
    "validate_feed",
]
