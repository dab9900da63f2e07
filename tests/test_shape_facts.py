"""Gemeenten that set facts of their own for some products (leges, a delivery
time, an application link, a local text) still share a shape with the
gemeenten whose products' heads are theirs: only the pages and export entries
of those products are made for them alone, and every file is byte for byte
what a full rendering gives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from support import REPO, THEMES
from test_shapes import SAMPLE, build, tree

import sitegen.build
import sitegen.shapes
import sitegen.site
from exports import validate_feed
from samenloket.loader import load_catalogue
from samenloket.model import Catalogue, FeeItem, Fees, LocalProduct
from samenloket.stamp import own_facts, product_heads
from sitegen.build import BuildOptions, build_sites
from sitegen.shapes import EXPORT_PATHS, plan_export_shapes, plan_shapes

PASPOORT, UITTREKSEL, VERHUIZING = ("paspoort-aanvragen", "uittreksel-brp",
                                    "verhuizing-doorgeven")


@pytest.fixture(scope="module")
def real() -> Catalogue:
    return load_catalogue(REPO / "content", themes_dir=THEMES)


def _facts(real: Catalogue) -> dict[str, dict[str, LocalProduct]]:
    """Overrides per gemeente slug: facts alone (Aalsmeer, Zeist, Den Haag),
    none ('s-Hertogenbosch, with a profile all the same), a title of its own
    (Achtkarspelen) and a product it does not offer (Ameland): the last two
    are heads of their own. The others of the sample have no profile."""
    fee = Fees(year=2026, items=(FeeItem(label="Paspoort", amount=Decimal("84.95")),))
    return {
        "aalsmeer": {PASPOORT: LocalProduct(
            product=PASPOORT, example=True, delivery_time="Binnen 5 werkdagen.",
            application_url="https://www.aalsmeer.example/paspoort", login="digid")},
        "zeist": {PASPOORT: LocalProduct(product=PASPOORT, fees=fee),
                  UITTREKSEL: LocalProduct(
                      product=UITTREKSEL, offered=True,
                      local_text="## Lokale informatie\n\nBel de gemeente Zeist.")},
        "den-haag": {VERHUIZING: LocalProduct(
            product=VERHUIZING, sections={"procedure": "Kom naar het stadhuis."})},
        "s-hertogenbosch": {},
        "achtkarspelen": {PASPOORT: LocalProduct(
            product=PASPOORT, title="Paspoort aanvragen in Achtkarspelen")},
        "ameland": {VERHUIZING: LocalProduct(product=VERHUIZING, offered=False)},
    }


def with_facts(real: Catalogue) -> Catalogue:
    from samenloket.model import GemeenteProfile

    profiles = dict(real.profiles)
    codes = {g.slug: c for c, g in real.gemeenten.items()}
    for slug, products in _facts(real).items():
        assert codes[slug] not in profiles
        profiles[codes[slug]] = GemeenteProfile(cbs_code=codes[slug],
                                                products=products)
    return real.model_copy(update={"profiles": profiles})


def test_heads_keep_what_pages_list_and_drop_the_facts(real: Catalogue) -> None:
    catalogue = with_facts(real)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    heads = {slug: product_heads(catalogue.profiles[codes[slug]], catalogue.products)
             for slug in ("aalsmeer", "zeist", "achtkarspelen", "ameland")}
    assert heads["aalsmeer"].products == heads["zeist"].products == {}
    title = heads["achtkarspelen"].products[PASPOORT]
    assert (title.title, title.fees, title.delivery_time) == (
        "Paspoort aanvragen in Achtkarspelen", None, None)
    assert heads["ameland"].products[VERHUIZING].offered is False
    zeist = catalogue.profiles[codes["zeist"]]
    assert own_facts(zeist, heads["aalsmeer"], PASPOORT)
    assert not own_facts(zeist, heads["aalsmeer"], VERHUIZING)
    assert not own_facts(None, heads["aalsmeer"], PASPOORT)


def test_facts_of_their_own_keep_gemeenten_in_one_shape(real: Catalogue) -> None:
    catalogue = with_facts(real)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    plan = plan_shapes(catalogue, [codes[s] for s in SAMPLE])
    alike = {plan[codes[s]] for s in ("aalsmeer", "zeist", "den-haag",
                                      "s-hertogenbosch")}
    assert len(alike) == 1 and plan[codes["aa-en-hunze"]] not in alike  # no profile
    assert codes["achtkarspelen"] not in plan and codes["ameland"] not in plan
    exports = plan_export_shapes(catalogue, [codes[s] for s in SAMPLE])
    assert len({exports[codes[s]] for s in ("aalsmeer", "zeist", "den-haag")}) == 1


def test_sites_with_facts_of_their_own_equal_fully_rendered_sites(
        real: Catalogue, tmp_path: Path) -> None:
    """Every file of every sample site, feeds included, is the same either way;
    each filled feed is valid SC 4.0 and shows the gemeente's own facts."""
    catalogue = with_facts(real)
    summary = build(catalogue, tmp_path / "shapes")
    assert summary.pages_stamped > 0
    full = build(catalogue, tmp_path / "full", shapes=False)
    assert full.pages_stamped == 0
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    page = (tmp_path / "shapes" / "zeist" / "producten" / PASPOORT / "index.html"
            ).read_text(encoding="utf-8")
    assert "84,95" in page
    other = (tmp_path / "shapes" / "aa-en-hunze" / "producten" / PASPOORT
             / "index.html").read_text(encoding="utf-8")
    assert "84,95" not in other
    for slug in ("aalsmeer", "zeist", "den-haag", "aa-en-hunze"):
        feed = (tmp_path / "shapes" / slug / "sc" / "producten.xml").read_bytes()
        assert validate_feed(feed, catalogue) == []
    feed = (tmp_path / "shapes" / "aalsmeer" / "sc" / "producten.xml").read_bytes()
    assert b"https://www.aalsmeer.example/paspoort" in feed


def test_only_the_pages_and_entries_of_own_facts_are_made_alone(
        real: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process: past the first site of the shape (which checks the
    stamps), a site renders only the pages of the products it has facts of its
    own for, and its exports get every other product's entry filled in."""
    catalogue = with_facts(real)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    rendered: dict[str, list[str]] = {}
    filled: dict[str, dict[str, set[str]]] = {}
    render, exports = sitegen.build._render, sitegen.site.site_exports

    def spy_render(spec, env, site):  # noqa: ANN001, ANN202
        rendered.setdefault(site.cbs_code, []).append(spec.path)
        return render(spec, env, site)

    def spy_exports(catalogue, cbs, keys, previous=None, given=None):  # noqa: ANN001, ANN202
        filled[cbs] = {path: set(slugs) for path, slugs in (given or {}).items()}
        return exports(catalogue, cbs, keys, previous, given=given)

    monkeypatch.setattr(sitegen.build, "_render", spy_render)
    monkeypatch.setattr(sitegen.site, "site_exports", spy_exports)
    sitegen.build._JOB.clear()
    build_sites(catalogue, BuildOptions(themes_dir=THEMES, output_dir=tmp_path / "out",
                                        jobs=1, search=False, gemeenten=SAMPLE))
    shape = sitegen.build._JOB["shapes"][codes["zeist"]]
    members = [c for c, key in sitegen.build._JOB["shapes"].items() if key == shape]
    staged = [c for c in rendered if c in members]
    first = staged[0]
    page = "producten/{}/index.html".format
    own = {codes["aalsmeer"]: {page(PASPOORT)},
           codes["zeist"]: {page(PASPOORT), page(UITTREKSEL)},
           codes["den-haag"]: {page(VERHUIZING)}}
    first_own = own.get(first, set())
    for cbs in staged[1:]:
        pages = {p for p in rendered.get(cbs, []) if p not in EXPORT_PATHS}
        assert own.get(cbs, set()) <= pages, cbs
        # and at most the check of a page whose first site had facts of its own
        assert pages <= own.get(cbs, set()) | first_own, (cbs, pages)
    offered = set(sitegen.build._JOB["index"].offered(codes["zeist"]))
    # The first site's own entries are checked by the next without those facts.
    unchecked = {path.split("/")[1] for path in first_own}
    for slug, mine in (("zeist", {PASPOORT, UITTREKSEL}), ("den-haag", {VERHUIZING})):
        cbs = codes[slug]
        if cbs == first:
            continue
        assert set(filled[cbs]) == {"sc/producten.xml", "open-data/producten.json"}
        for slugs in filled[cbs].values():
            assert not slugs & mine and offered - mine - unchecked <= slugs


def test_a_new_fact_rewrites_only_that_page_and_the_exports(
        real: Catalogue, tmp_path: Path) -> None:
    """A gemeente that changes its delivery time gets that product's page and
    its export files written again, and nothing else, here or on another site;
    the result is what a full rendering gives."""
    catalogue = with_facts(real)
    out = tmp_path / "public"
    build(catalogue, out)
    before = tree(out)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    aalsmeer = catalogue.profiles[codes["aalsmeer"]]
    local = aalsmeer.products[PASPOORT]
    edited = catalogue.model_copy(update={"profiles": {
        **catalogue.profiles, codes["aalsmeer"]: aalsmeer.model_copy(update={
            "products": {PASPOORT: local.model_copy(
                update={"delivery_time": "Binnen 3 werkdagen."})}})}})
    summary = build(edited, out)
    after = tree(out)
    changed = {path for path in after if after[path] != before[path]}
    assert changed == {f"aalsmeer/producten/{PASPOORT}/index.html",
                       "aalsmeer/sc/producten.xml",
                       "aalsmeer/open-data/producten.json"}, changed
    assert summary.pages_rendered == 3
    build(edited, tmp_path / "full", shapes=False)
    assert after == tree(tmp_path / "full")


def test_a_filled_export_is_checked_on_every_entry_but_the_sites_own() -> None:
    """The first site of an export shape checks the filled files against its
    own: every entry but those of its own facts, the frame and the gaps."""
    from exports.pieces import ExportPiece, SiteExport
    from sitegen.shapes import _alike_but

    def export(data: bytes, *ranges: tuple[str, int, int], key: str = "k"
               ) -> SiteExport:
        return SiteExport(data, tuple(ExportPiece(s, key, a, b) for s, a, b in ranges),
                          0)

    real = export(b"<a>AA,bb,CC</a>", ("x", 3, 5), ("y", 6, 8), ("z", 9, 11))
    filled = export(b"<a>AA,bbb,CC</a>", ("x", 3, 5), ("y", 6, 9), ("z", 10, 12))
    assert _alike_but(filled, real, frozenset({"y"}))
    assert not _alike_but(filled, real, frozenset({"x"}))
    assert not _alike_but(filled, real, frozenset())
    framed = export(b"<b>AA,bbb,CC</b>", ("x", 3, 5), ("y", 6, 9), ("z", 10, 12))
    assert not _alike_but(framed, real, frozenset({"y"}))
    gap = export(b"<a>AA;bbb,CC</a>", ("x", 3, 5), ("y", 6, 9), ("z", 10, 12))
    assert not _alike_but(gap, real, frozenset({"y"}))
    keyed = export(b"<a>AA,bbb,CC</a>", ("x", 3, 5), ("y", 6, 9), ("z", 10, 12),
                   key="other")
    assert not _alike_but(keyed, real, frozenset({"y"}))


def test_an_entry_the_first_site_did_not_check_is_checked_before_use(
        real: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The placeholder's entries of the products the first site has facts of
    its own for are not checked by it. When such an entry is wrong (here the
    passport's, made wrong on purpose), the next site without those facts
    finds out and no site gets it."""
    from samenloket.stamp import Stamp

    catalogue = with_facts(real)
    made = sitegen.shapes.export_stamps
    check = sitegen.shapes.ExportShape._checked_exports
    checked_with: list[frozenset[str]] = []

    def wrong_entries(masked: Catalogue):  # noqa: ANN202
        stamps = made(masked)
        for path, stamp in list((stamps or {}).items()):
            pieces = tuple(
                (slug, Stamp((*piece.segments[:-1], piece.segments[-1] + b" "),
                             piece.slots, piece.keys) if slug == PASPOORT else piece)
                for slug, piece in stamp.pieces)
            stamps[path] = type(stamp)(stamp.head, pieces, stamp.tail, stamp.gap)
        return stamps

    def spy(self, real, keys, values, own):  # noqa: ANN001, ANN202
        checked_with.append(own)
        return check(self, real, keys, values, own)

    monkeypatch.setattr(sitegen.shapes, "export_stamps", wrong_entries)
    monkeypatch.setattr(sitegen.shapes.ExportShape, "_checked_exports", spy)
    sitegen.build._JOB.clear()
    build_sites(catalogue, BuildOptions(
        themes_dir=THEMES, output_dir=tmp_path / "shapes", jobs=1, search=False,
        gemeenten=SAMPLE))
    # The shape's first site (Aalsmeer or Zeist) had facts for the passport.
    assert any(PASPOORT in own for own in checked_with), checked_with
    build(catalogue, tmp_path / "full", shapes=False)
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")


def test_a_theme_that_shows_facts_on_another_page_gets_it_rendered_in_full(
        real: Catalogue, tmp_path: Path) -> None:
    """A theme whose homepage shows the top tasks' delivery times is right for
    every gemeente of a shape whose facts differ: the placeholder's products
    refuse to show facts outside their own page while it is checked, so that
    page is rendered in full. 's-Hertogenbosch, staged first, has no facts of
    its own: without the refusal, its homepage would be filled in for all."""
    import shutil

    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    template = themes / "base" / "templates" / "home.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace(
        "{% block content %}",
        "{% block content %}{% for p in site.top_tasks %}<p>{{ p.title }}: "
        "{{ p.delivery_time }}</p>{% endfor %}", 1), encoding="utf-8")
    catalogue = with_facts(real)
    order = ["s-hertogenbosch", "aalsmeer", "zeist", "den-haag", "aa-en-hunze"]
    for name, shapes in (("shapes", True), ("full", False)):
        sitegen.build._JOB.clear()
        build_sites(catalogue, BuildOptions(
            themes_dir=themes, output_dir=tmp_path / name, jobs=1, search=False,
            gemeenten=order, shapes=shapes))
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    home = (tmp_path / "shapes" / "aalsmeer" / "index.html").read_text(encoding="utf-8")
    assert "Binnen 5 werkdagen." in home


def test_own_texts_of_a_shape_share_local_search_bundles_of_bounded_size(
        real: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sites of one shape share their local search bundle whatever texts
    of their own they have; those texts are spread over bundles of at most
    OWN_TEXTS_PER_BUNDLE, a gemeente's never split, and sites without own
    texts share the first."""
    from samenloket.model import GemeenteProfile
    from sitegen.shapes import search_groups

    monkeypatch.setattr(sitegen.shapes, "OWN_TEXTS_PER_BUNDLE", 3)
    codes = {g.slug: c for c, g in real.gemeenten.items()}
    text = "## Lokale informatie\n\nKom langs."
    own = {"aalsmeer": [PASPOORT, UITTREKSEL], "zeist": [VERHUIZING],
           "den-haag": [PASPOORT, VERHUIZING], "alkmaar": [UITTREKSEL]}
    profiles = dict(real.profiles)
    for slug in (*own, "s-hertogenbosch", "almere"):
        products = {p: LocalProduct(product=p, local_text=text)
                    for p in own.get(slug, [])}
        profiles[codes[slug]] = GemeenteProfile(cbs_code=codes[slug],
                                                products=products)
    catalogue = real.model_copy(update={"profiles": profiles})
    sample = [codes[s] for s in SAMPLE]
    shapes = plan_shapes(catalogue, sample)
    members = [codes[s] for s in (*own, "s-hertogenbosch", "almere")]
    assert len({shapes[c] for c in members}) == 1
    groups = search_groups(catalogue, sample, shapes)
    bundles = {groups[c] for c in members}
    assert len(bundles) == 2  # 6 texts, at most 3 a bundle, nobody's split
    for _, sharing in bundles:
        texts = sum(len(own.get(catalogue.gemeenten[c].slug, [])) for c in sharing)
        assert texts == 3, sharing
        assert all(groups[c][1] == sharing for c in sharing)
    ordered = sorted(members)
    first = groups[ordered[0]]
    assert all(groups[codes[s]] == first for s in ("s-hertogenbosch", "almere"))
    others = {groups[c] for c in sample if c not in members and c in shapes}
    assert not others & bundles
    monkeypatch.setattr(sitegen.shapes, "OWN_TEXTS_PER_BUNDLE", 10)
    one = search_groups(catalogue, sample, shapes)
    assert len({one[c] for c in members}) == 1
