"""Weight budget: small product pages, CSS and first visits; a page over budget
stops the build with its name, before anything goes live."""

from __future__ import annotations

from pathlib import Path

import pytest
from frontend_support import build, make_frontend_content

from sitegen.budget import (
    FIRST_SEARCH_LIMIT,
    FIRST_VISIT_LIMIT,
    PRODUCT_HTML_LIMIT,
    budget_report,
    first_search_bytes,
    gzip_size,
)
from sitegen.build import BuildError


def test_fixture_is_within_budget(frontend_site: Path) -> None:
    report = budget_report(frontend_site)
    assert report.problems == []
    assert report.heaviest and report.heaviest[0].total <= FIRST_VISIT_LIMIT
    assert report.heaviest_products[0].html <= PRODUCT_HTML_LIMIT
    assert "Zwaarste pagina's" in report.format()
    for slug in ("utrecht", "schiermonnikoog"):
        assert first_search_bytes(frontend_site / slug) <= FIRST_SEARCH_LIMIT


def test_weights_count_what_a_first_visit_loads(frontend_site: Path) -> None:
    """HTML, CSS and the theme's fonts all count (Schiermonnikoog has fonts)."""
    from sitegen.budget import SiteWeights

    site = frontend_site / "schiermonnikoog"
    weight = SiteWeights(site, "schiermonnikoog").weigh("index.html")
    fonts = sum(p.stat().st_size for p in (site / "static/fonts").glob("*.woff2"))
    assert weight.html == gzip_size((site / "index.html").read_bytes())
    assert weight.other >= fonts > 0
    bound = SiteWeights(site, "schiermonnikoog").weigh("index.html", exact=False)
    assert bound.total >= weight.total


def test_heavy_product_page_stops_the_build(tmp_path: Path) -> None:
    content = make_frontend_content(tmp_path / "content")
    out = tmp_path / "public"
    build(content, out, jobs=1)
    before = (out / "utrecht/producten/grofvuil-ophalen/index.html").read_bytes()
    product = content / "producten/grofvuil-ophalen.md"
    words = " ".join(f"woord{i} tekst{i * 7 % 1000}" for i in range(6000))
    text = product.read_text(encoding="utf-8")
    product.write_text(text.replace("## Voorwaarden\n", f"{words}\n\n## Voorwaarden\n",
                                    1), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(content, out, jobs=1)
    message = str(info.value)
    assert "producten/grofvuil-ophalen/index.html" in message
    assert "de grens voor een productpagina is 14,0 KB" in message
    after = (out / "utrecht/producten/grofvuil-ophalen/index.html").read_bytes()
    assert after == before  # nothing went live


@pytest.mark.slow
def test_real_build_is_within_budget(real_site: Path) -> None:
    report = budget_report(real_site)
    assert report.problems == [], "\n".join(report.problems[:20])
    assert report.pages > 20000
