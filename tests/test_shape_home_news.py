"""Gemeenten with a homepage text and news of their own still share a shape
with the gemeenten whose other data have the same form: only their homepage,
news pages, news feed and sitemap are made for them alone, and every file is
byte for byte what a full rendering gives."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from support import REPO, THEMES
from test_shapes import SAMPLE, build, tree

import sitegen.build
import sitegen.shapes
from samenloket.model import Catalogue, GemeenteProfile, NewsItem
from sitegen.build import BuildOptions, build_sites
from sitegen.shapes import EXPORT_PATHS, plan_shapes


@pytest.fixture(scope="module")
def real() -> Catalogue:
    from samenloket.loader import load_catalogue

    return load_catalogue(REPO / "content", themes_dir=THEMES)


OWN_PAGES = {"index.html", "nieuws/index.html", "nieuws/atom.xml", "sitemap.xml"}


def with_home_and_news(real: Catalogue) -> Catalogue:
    """Aalsmeer with a homepage text and two news items, Zeist with news only,
    Den Haag with a homepage title only; 's-Hertogenbosch with an empty
    profile. The others of the sample have no profile."""
    codes = {g.slug: c for c, g in real.gemeenten.items()}

    def news(slug: str, count: int) -> tuple[NewsItem, ...]:
        return tuple(NewsItem(
            slug=f"bericht-{number}", title=f"Bericht {number} uit {slug}",
            date=datetime.date(2026, number, 10), summary=f"Samenvatting {number}.",
            body=f"Tekst {number}: zie [paspoort](/producten/paspoort-aanvragen/).")
            for number in range(1, count + 1))

    data = {
        "aalsmeer": {"welcome_title": "Welkom in Aalsmeer",
                     "welcome": "De bloemen**gemeente**.", "news": news("aalsmeer", 2)},
        "zeist": {"news": news("zeist", 3)},
        "den-haag": {"welcome_title": "Welkom in de hofstad"},
        "s-hertogenbosch": {},
    }
    profiles = dict(real.profiles)
    for slug, fields in data.items():
        assert codes[slug] not in profiles
        profiles[codes[slug]] = GemeenteProfile(cbs_code=codes[slug], **fields)
    return real.model_copy(update={"profiles": profiles})


def test_home_and_news_keep_gemeenten_in_one_shape(real: Catalogue) -> None:
    catalogue = with_home_and_news(real)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    plan = plan_shapes(catalogue, [codes[s] for s in SAMPLE])
    assert len({plan[codes[s]] for s in ("aalsmeer", "zeist", "den-haag",
                                         "s-hertogenbosch")}) == 1


def test_sites_with_home_and_news_equal_fully_rendered_sites(
        real: Catalogue, tmp_path: Path) -> None:
    """Every file of every sample site is the same either way, and each site
    shows its own homepage text and news, not another's."""
    catalogue = with_home_and_news(real)
    summary = build(catalogue, tmp_path / "shapes")
    assert summary.pages_stamped > 0
    build(catalogue, tmp_path / "full", shapes=False)
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    out = tmp_path / "shapes"
    home = (out / "aalsmeer" / "index.html").read_text(encoding="utf-8")
    assert "Welkom in Aalsmeer" in home and "Bericht 2 uit aalsmeer" in home
    assert (out / "aalsmeer" / "nieuws" / "bericht-2" / "index.html").is_file()
    assert not (out / "aalsmeer" / "nieuws" / "bericht-3").exists()
    assert "Bericht 3 uit zeist" in (out / "zeist" / "nieuws" / "atom.xml").read_text(
        encoding="utf-8")
    for slug in ("zeist", "s-hertogenbosch", "den-haag"):
        assert "Aalsmeer" not in (out / slug / "index.html").read_text(encoding="utf-8")
    sitemap = (out / "zeist" / "sitemap.xml").read_text(encoding="utf-8")
    assert "nieuws/bericht-3/" in sitemap


def test_only_the_pages_that_show_home_or_news_are_made_alone(
        real: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process: past the first site of the shape, a site with a homepage
    text or news renders only the pages that show them (and its news items)."""
    catalogue = with_home_and_news(real)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    rendered: dict[str, list[str]] = {}
    render = sitegen.build._render

    def spy_render(spec, env, site):  # noqa: ANN001, ANN202
        rendered.setdefault(site.cbs_code, []).append(spec.path)
        return render(spec, env, site)

    monkeypatch.setattr(sitegen.build, "_render", spy_render)
    sitegen.build._JOB.clear()
    build_sites(catalogue, BuildOptions(themes_dir=THEMES, output_dir=tmp_path / "out",
                                        jobs=1, search=False, gemeenten=SAMPLE))
    shape = sitegen.build._JOB["shapes"][codes["zeist"]]
    members = [c for c, key in sitegen.build._JOB["shapes"].items() if key == shape]
    staged = [c for c in rendered if c in members]
    items = {"aalsmeer": {"nieuws/bericht-1/index.html", "nieuws/bericht-2/index.html"},
             "zeist": {f"nieuws/bericht-{n}/index.html" for n in (1, 2, 3)}}
    own = {codes["aalsmeer"]: OWN_PAGES | items["aalsmeer"],
           codes["zeist"]: {"index.html", "nieuws/index.html", "nieuws/atom.xml",
                            "sitemap.xml"} | items["zeist"],
           codes["den-haag"]: {"index.html"}}
    first_own = own.get(staged[0], set())
    for cbs in staged[1:]:
        pages = {p for p in rendered.get(cbs, []) if p not in EXPORT_PATHS}
        assert own.get(cbs, set()) <= pages, cbs
        assert pages <= own.get(cbs, set()) | first_own, (cbs, pages)


def test_a_theme_that_shows_news_on_another_page_gets_it_rendered_in_full(
        real: Catalogue, tmp_path: Path) -> None:
    """A theme whose footer shows the latest news on every page: no such page
    can be filled in from the placeholder (which has no news), so each is
    rendered in full, and every site shows its own news."""
    import shutil

    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    base = themes / "base" / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    assert "</footer>" in text
    base.write_text(text.replace(
        "</footer>", "{% for item in site.profile.news[:1] %}<p class=\"laatste\">"
        "{{ item.title }}</p>{% endfor %}</footer>", 1), encoding="utf-8")
    catalogue = with_home_and_news(real)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    # The shape's first site to be built (Aalsmeer, first in SAMPLE) without
    # news: its pages pass their check; Zeist's must not be filled in.
    aalsmeer = catalogue.profiles[codes["aalsmeer"]].model_copy(update={"news": ()})
    catalogue = catalogue.model_copy(update={"profiles": {
        **catalogue.profiles, codes["aalsmeer"]: aalsmeer}})
    plan = plan_shapes(catalogue, [codes[s] for s in SAMPLE])
    members = [s for s in SAMPLE if plan.get(codes[s]) == plan[codes["zeist"]]]
    assert members[0] == "aalsmeer" and "zeist" in members
    for name, shapes in (("shapes", True), ("full", False)):
        sitegen.build._JOB.clear()
        summary = build_sites(catalogue, BuildOptions(
            themes_dir=themes, output_dir=tmp_path / name, jobs=1, search=False,
            gemeenten=SAMPLE, shapes=shapes))
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    assert summary.pages_stamped == 0  # the full build
    page = (tmp_path / "shapes" / "zeist" / "contact" / "index.html").read_text(
        encoding="utf-8")
    assert "Bericht 1 uit zeist" in page


def test_a_news_item_rewrites_only_that_sites_news_pages(
        real: Catalogue, tmp_path: Path) -> None:
    """A gemeente that adds a news item gets its homepage, news pages, feed
    and sitemap written again, and nothing else, here or on another site; a
    new homepage text rewrites its homepage alone. The result is what a full
    rendering gives."""
    catalogue = with_home_and_news(real)
    out = tmp_path / "public"
    build(catalogue, out)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    zeist = catalogue.profiles[codes["zeist"]]
    item = NewsItem(slug="nieuw", title="Nieuw bericht",
                    date=datetime.date(2026, 11, 1), summary="Kort.", body="Lang.")
    steps = [
        ({"news": (item, *zeist.news)},  # newest first, as loaded
         {"zeist/index.html", "zeist/nieuws/index.html", "zeist/nieuws/atom.xml",
          "zeist/sitemap.xml", "zeist/nieuws/nieuw/index.html"}),
        ({"welcome": "Welkom in Zeist."}, {"zeist/index.html"}),
    ]
    for update, expected in steps:
        before = tree(out)
        zeist = zeist.model_copy(update=update)
        catalogue = catalogue.model_copy(update={"profiles": {
            **catalogue.profiles, codes["zeist"]: zeist}})
        build(catalogue, out)
        after = tree(out)
        changed = {p for p in after if after.get(p) != before.get(p)}
        assert changed == expected, changed
    build(catalogue, tmp_path / "full", shapes=False)
    assert tree(out) == tree(tmp_path / "full")
