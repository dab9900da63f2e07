"""Which gemeenten and pages an edit affects: the dependency rules, made explicit.

Used by the CMS's publish → rebuild (only the affected gemeenten are queued) and
by tests. It compares page fingerprints of the catalogue before and after an
edit, so it gives exactly the pages whose inputs changed: a national product
edit → that product's page on every site offering it, the indexes and life
events that show it, and the feeds; a local edit → that gemeente only.
"""

from __future__ import annotations

from samenloket.model import Catalogue

from .deps import DependencyIndex
from .site import SiteInfo, site_pages

_NO_THEME = "-"


def _fingerprints(
    catalogue: Catalogue, cbs: str, index: DependencyIndex
) -> dict[str, str]:
    index.register(("theme", cbs), _NO_THEME)
    site = SiteInfo(catalogue, cbs, theme_name=_NO_THEME)
    return {
        spec.path: index.fingerprint([*spec.tokens, ("theme", cbs)])
        for spec in site_pages(site, index)
    }


def affected_pages(
    before: Catalogue, after: Catalogue, gemeenten: list[str] | None = None
) -> dict[str, set[str]]:
    """Per CBS code, the output paths whose inputs differ between two catalogues.

    Added and removed pages count as affected. Gemeenten with nothing affected are
    left out of the result.
    """
    old_index = DependencyIndex(before, "impact")
    new_index = DependencyIndex(after, "impact")
    codes = gemeenten or sorted(set(before.gemeenten) | set(after.gemeenten))
    result: dict[str, set[str]] = {}
    for cbs in codes:
        old = _fingerprints(before, cbs, old_index) if cbs in before.gemeenten else {}
        new = _fingerprints(after, cbs, new_index) if cbs in after.gemeenten else {}
        changed = {
            path for path in old.keys() | new.keys() if old.get(path) != new.get(path)
        }
        if changed:
            result[cbs] = changed
    return result


def affected_gemeenten(before: Catalogue, after: Catalogue) -> list[str]:
    """CBS codes of the sites an edit changes (what a publish must rebuild)."""
    return sorted(affected_pages(before, after))
