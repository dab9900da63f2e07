"""The benchmark's made-up catalogue in which every gemeente has data of its own
(bench.run.content_with_own_data): valid content, the real profiles left as
they are, in the forms it says (sites of one form share a shape, the others
are rendered in full)."""

from __future__ import annotations

from pathlib import Path

from support import FIXTURE_CONTENT, REPO, THEMES

import sitegen.build
from bench.run import content_with_own_data
from samenloket.loader import load_catalogue
from sitegen.build import BuildOptions, build_sites
from sitegen.shapes import plan_shapes


def test_every_gemeente_gets_data_and_the_real_ones_keep_theirs(tmp_path: Path) -> None:
    before = load_catalogue(FIXTURE_CONTENT, themes_dir=THEMES)
    target = tmp_path / "content"
    added = content_with_own_data(FIXTURE_CONTENT, target)

    after = load_catalogue(target, themes_dir=THEMES)
    assert added == len(before.gemeenten) - len(before.profiles) > 0
    assert set(after.profiles) == set(after.gemeenten)
    for code, profile in before.profiles.items():
        assert after.profiles[code] == profile
    for code in set(after.gemeenten) - set(before.profiles):
        made_up = after.profiles[code]
        assert made_up.example_data
        assert made_up.contact.website is not None
        assert str(made_up.contact.website).endswith(".example")
        assert made_up.locations and made_up.locations[0].opening_hours


def test_the_real_catalogue_gets_24_forms_of_data(tmp_path: Path) -> None:
    """Every made-up gemeente shares its shape with those whose data have the
    same form (24 of them); the pilots, with data of their own, share none."""
    real = load_catalogue(REPO / "content", themes_dir=THEMES)
    added = content_with_own_data(REPO / "content", tmp_path / "content")
    own = load_catalogue(tmp_path / "content", themes_dir=THEMES)
    plan = plan_shapes(own, list(own.gemeenten))
    made_up = set(own.gemeenten) - set(real.profiles)
    assert len(made_up) == added and set(plan) == made_up
    assert len(set(plan.values())) == 24


def test_sites_with_data_of_other_forms_are_rendered_in_full(tmp_path: Path) -> None:
    """In the fixture catalogue, the two gemeenten without data share a shape;
    once made up, their data have two forms: no page is filled in. Only their
    SC feed and open data are: those of the second made-up gemeente."""
    own = tmp_path / "content"
    content_with_own_data(FIXTURE_CONTENT, own)
    summaries = {}
    for name, content in (("fixture", FIXTURE_CONTENT), ("own", own)):
        options = BuildOptions(content_dir=content, themes_dir=THEMES,
                               output_dir=tmp_path / name, jobs=1, search=False)
        summaries[name] = build_sites(load_catalogue(content, themes_dir=THEMES),
                                      options)
        shapes = dict(sitegen.build._JOB["shapes"])
    assert summaries["fixture"].pages_stamped > 0
    assert shapes == {}  # of the last build: the made-up one
    assert summaries["own"].pages_stamped == 2  # sc/producten.xml, open data
    assert summaries["own"].pages_rendered == summaries["own"].pages - sum(
        1 for path in (tmp_path / "own").rglob("*")
        if path.is_file() and "static" in path.relative_to(tmp_path / "own").parts)


def test_made_up_product_facts_keep_the_24_forms(tmp_path: Path) -> None:
    """With facts of their own for 6 to 15 products each (leges, delivery
    times, links, local texts), the made-up gemeenten still share the 24
    shapes: facts do not change a page other than the product's own."""
    real = load_catalogue(REPO / "content", themes_dir=THEMES)
    content_with_own_data(REPO / "content", tmp_path / "content", product_facts=True)
    own = load_catalogue(tmp_path / "content", themes_dir=THEMES)
    made_up = set(own.gemeenten) - set(real.profiles)
    for code in made_up:
        products = own.profiles[code].products
        assert 6 <= len(products) <= 15
        assert all(local.delivery_time and local.offered for local in products.values())
    assert sum(bool(local.local_text) for code in made_up
               for local in own.profiles[code].products.values()) > len(made_up)
    for code, profile in real.profiles.items():
        assert own.profiles[code] == profile
    plan = plan_shapes(own, list(own.gemeenten))
    assert set(plan) == made_up and len(set(plan.values())) == 24


def test_made_up_homepages_and_news_load(tmp_path: Path) -> None:
    """Each made-up gemeente gets a welcome text naming it and NEWS_ITEMS news
    items, read as the pilots' home.md and nieuws/ are; real profiles keep
    theirs."""
    from bench.run import NEWS_ITEMS

    before = load_catalogue(FIXTURE_CONTENT, themes_dir=THEMES)
    target = tmp_path / "content"
    content_with_own_data(FIXTURE_CONTENT, target, home_and_news=True)
    after = load_catalogue(target, themes_dir=THEMES)
    for code in set(after.gemeenten) - set(before.profiles):
        profile, name = after.profiles[code], after.gemeenten[code].name
        assert profile.welcome_title == f"Welkom bij de gemeente {name}"
        assert name in profile.welcome
        assert len(profile.news) == NEWS_ITEMS
        assert len({item.slug for item in profile.news}) == NEWS_ITEMS
    for code, profile in before.profiles.items():
        assert after.profiles[code] == profile
