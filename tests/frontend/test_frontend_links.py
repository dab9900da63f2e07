"""No broken link, anchor or asset: lychee offline over the fixture and over all
342 real sites; external links are listed, never fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO, THEMES

from samenloket.loader import load_catalogue
from samenloket.resolve import site_url
from sitegen.budget import any_address_problems, check_links


def _site_urls(content: Path) -> dict[str, str]:
    catalogue = load_catalogue(content, themes_dir=THEMES)
    return {g.slug: site_url(catalogue, code)
            for code, g in catalogue.gemeenten.items()}


def test_fixture_has_no_broken_links(frontend_site: Path, frontend_content: Path
                                     ) -> None:
    """Every internal link, anchor and asset of the fixture sites exists."""
    report = check_links(frontend_site, _site_urls(frontend_content))
    assert report.checked > 1000
    assert not report.broken, "\n".join(report.broken)
    # External links are reported, not fetched; the site's own URLs are not external.
    assert "https://www.zwolle.nl/" in report.external
    assert not [u for u in report.external if ".samenloket.test" in u]
    assert not [u for u in report.external if u.startswith("http://")]
    assert "https://www.zwolle.nl/" in report.format_external()


def test_not_offered_product_link_becomes_text(frontend_site: Path) -> None:
    """A national text's link to a product Zwolle does not offer is plain text."""
    page = frontend_site / "zwolle/producten/paspoort-aanvragen/index.html"
    html = page.read_text()
    assert "producten/identiteitskaart-aanvragen/" not in html
    utrecht = (frontend_site / "utrecht/producten/paspoort-aanvragen/index.html")
    assert "producten/identiteitskaart-aanvragen/" in utrecht.read_text()


@pytest.mark.slow
def test_all_real_sites_have_no_broken_links(real_site: Path) -> None:
    """All 342 sites of content/: no broken internal link, anchor or asset."""
    report = check_links(real_site, _site_urls(REPO / "content"))
    assert report.checked > 100_000
    assert not report.broken, f"{len(report.broken)} kapot:\n" + "\n".join(
        report.broken[:50])
    assert not [u for u in report.external if u.startswith("http://")]


def test_not_found_page_links_are_checked_from_the_site_root(tmp_path: Path) -> None:
    """The 404 page is shown at any address, so its links must start at the
    site's root; the link check resolves them there, also for a site that
    lives at a sub-path of its host."""
    site = tmp_path / "utrecht"
    (site / "producten").mkdir(parents=True)
    (site / "producten/index.html").write_text("<p>ok</p>")
    (site / "static").mkdir()
    (site / "static/a.css").write_text("")
    (site / "404.html").write_text(
        '<a href="#inhoud">x</a><main id="inhoud"></main>'
        '<link href="/static/a.css"><a href="/producten/">a</a>'
        '<a href="tel:14030">b</a><a href="https://utrecht.samenloket.test/producten/">c'
        '</a><a href="producten/">relative</a><a href="/zoeken/">missing</a>'
        '<a href="#nergens">no anchor</a>')
    problems = any_address_problems(site, "https://utrecht.samenloket.test")
    assert [p.split(": ", 1)[1].split(" ", 1)[0] for p in problems] == [
        "producten/", "/zoeken/", "#nergens"]
    (site / "404.html").write_text('<a href="/loket/producten/">a</a>'
                                   '<a href="/producten/">b</a>')
    problems = any_address_problems(site, "https://www.utrecht.nl/loket")
    assert [p.split(": ", 1)[1].split(" ", 1)[0] for p in problems] == ["/producten/"]
