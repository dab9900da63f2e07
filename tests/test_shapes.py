"""Sites rendered once per shape and filled in per gemeente are the sites a full
rendering gives, byte for byte, and a template that treats a name as more than
text cannot make them differ."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from support import REPO, THEMES, output_files

import sitegen.build
from exports import validate_feed
from samenloket.loader import load_catalogue
from samenloket.model import Catalogue
from samenloket.stamp import (
    MASK_CBS,
    Stamp,
    identity_values,
    marker,
    masked_catalogue,
)
from sitegen.build import BuildError, BuildOptions, BuildSummary, build_sites
from sitegen.shapes import plan_shapes

# Pilots with their own data, Frisian names and provinces (non-ASCII), names
# with a quote (both filled in as each spot escapes them) and enough plain ones.
SAMPLE = ["utrecht", "zwolle", "schiermonnikoog", "aalsmeer", "aa-en-hunze",
          "alkmaar", "almere", "ameland", "achtkarspelen", "sudwest-fryslan",
          "noardeast-fryslan", "den-haag", "s-hertogenbosch", "zeist"]


@pytest.fixture(scope="module")
def real() -> Catalogue:
    return load_catalogue(REPO / "content", themes_dir=THEMES)


def tree(root: Path) -> dict[str, str]:
    """Every published file (not the build's own folders) with a hash of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.blake2b(p.read_bytes()).hexdigest()
        for p in output_files(root)
        if not p.relative_to(root).parts[0].startswith(".")
    }


def build(catalogue: Catalogue, out: Path, themes: Path = THEMES,
          **options: object) -> BuildSummary:
    return build_sites(catalogue, BuildOptions(
        themes_dir=themes, output_dir=out, jobs=2, search=False,
        gemeenten=SAMPLE, **options))


def test_stamp_fills_every_slot_and_refuses_broken_markers() -> None:
    """A stamp gives back the rendering with each gemeente's own values."""
    name, cbs = marker(2), marker(0)
    stamp = Stamp.parse(f"<p>{name} ({cbs}), {name}</p>".encode())
    assert stamp is not None
    values = [b"x"] * 9
    values[0], values[2] = b"GM0344", "Súdwest".encode()
    assert stamp.fill(values) == "<p>Súdwest (GM0344), Súdwest</p>".encode()
    assert Stamp.parse(b"no markers").fill(values) == b"no markers"  # type: ignore[union-attr]
    # Filling is one %-formatting: a '%' in the page or in a value stays as it is,
    # and other values (a list changed in place, another tuple) are never mixed up.
    percent = Stamp.parse(f"50% {name} %(2)s %%".encode())
    assert percent is not None
    assert percent.fill(values) == "50% Súdwest %(2)s %%".encode()
    values[2] = b"Zeist %(0)s"
    assert percent.fill(values) == b"50% Zeist %(0)s %(2)s %%"
    assert percent.fill(tuple(values)) == b"50% Zeist %(0)s %(2)s %%"
    assert percent.fill((b"x",) * 2 + (b"Ede",) + (b"x",) * 6) == b"50% Ede %(2)s %%"
    # An encoder that escaped a marker, or a marker character typed into a text:
    assert Stamp.parse(b"\\ue000\xee\x84\x82\xee\x80\x81") is None
    assert Stamp.parse(name.encode()[:-3] + b"!") is None
    assert Stamp.parse("\ue000 typed".encode()) is None


def test_quotes_and_frisian_letters_are_stamped_as_each_spot_escapes_them(
        real: Catalogue) -> None:
    """A marker's probe shows how each spot escapes a quote or an 'â', so
    's-Hertogenbosch and Fryslân are filled in; a character no marker probes
    (an angle bracket, say) keeps a site out of the shapes."""
    import html
    import json

    by_slug = {g.slug: g for g in real.gemeenten.values()}
    for slug in ("s-hertogenbosch", "den-haag", "sudwest-fryslan", "aalsmeer"):
        assert identity_values(by_slug[slug]) is not None
    odd = by_slug["aalsmeer"].model_copy(update={"name": "Aals <Meer>"})
    assert identity_values(odd) is None

    def spot(slot: int, escape) -> str:  # a marker as some spot writes it
        text = marker(slot)
        return text[:2] + escape(text[2:-1]) + text[-1]

    page = (f"<h1>{spot(2, html.escape)}</h1><p>{spot(2, str)}</p>"
            f"<script>{spot(5, lambda t: json.dumps(t)[1:-1])}</script>"
            f'<a title="{spot(5, html.escape)}">').encode()
    stamp = Stamp.parse(page)
    assert stamp is not None
    values = list(identity_values(by_slug["s-hertogenbosch"]))  # type: ignore[arg-type]
    values[5] = "Fryslân".encode()
    assert stamp.fill(tuple(values)) == (
        "<h1>&#x27;s-Hertogenbosch</h1><p>'s-Hertogenbosch</p>"
        '<script>Frysl\\u00e2n</script><a title="Fryslân">').encode()
    # An ampersand (in a contact form's address, say) is probed as well.
    values[2] = b"Aals & Meer"
    assert stamp.fill(tuple(values)).startswith(
        b"<h1>Aals &amp; Meer</h1><p>Aals & Meer</p>")
    # A probe that came out changed in another way than by escaping: no stamp.
    assert Stamp.parse(spot(2, str.upper).encode()) is None
    assert Stamp.parse(spot(2, lambda t: t[:9]).encode()) is None


def test_shapes_group_sites_without_own_data(real: Catalogue) -> None:
    """Gemeenten with their own data share no shape; all others share one."""
    codes = {g.slug: c for c, g in real.gemeenten.items()}
    plan = plan_shapes(real, [codes[s] for s in SAMPLE])
    shaped = {real.gemeenten[c].slug for c in plan}
    assert {"utrecht", "zwolle", "schiermonnikoog"}.isdisjoint(shaped)
    assert len({plan[codes[s]] for s in ("aalsmeer", "zeist", "sudwest-fryslan",
                                         "den-haag", "s-hertogenbosch")}) == 1
    masked = masked_catalogue(real, codes["zwolle"])
    zwolle = real.profiles[codes["zwolle"]]
    assert zwolle.news and zwolle.welcome  # the placeholder leaves them to each site
    placeholder = masked.profiles[MASK_CBS]
    assert (placeholder.news, placeholder.welcome, placeholder.welcome_title) == (
        (), "", None)
    assert placeholder.top_tasks == zwolle.top_tasks


@pytest.fixture(params=["pinned", "primed"])
def shape_sharing(request: pytest.FixtureRequest,
                  monkeypatch: pytest.MonkeyPatch) -> str:
    """Small shapes are staged whole by one worker; big ones are made in the
    parent before the workers fork (sitegen.build._prime_shapes). The sample is
    small, so "primed" treats every shape as big."""
    if request.param == "primed":
        monkeypatch.setattr(sitegen.build, "SMALL_SHAPE", 0)
    sitegen.build._JOB.clear()
    return request.param


def test_filled_sites_equal_fully_rendered_sites(real: Catalogue, tmp_path: Path,
                                                 shape_sharing: str) -> None:
    """Every file of every sample site, feeds included, is the same either way."""
    summary = build(real, tmp_path / "shapes")
    assert summary.pages_stamped > 0
    primed = sitegen.build._JOB["shape_cache"]  # the parent's: made before forking
    shared = set(sitegen.build._JOB["shapes"].values())
    assert set(primed) == (shared if shape_sharing == "primed" else set())
    assert all(shape._pages for shape in primed.values())  # stamps made
    full = build(real, tmp_path / "full", shapes=False)
    assert full.pages_stamped == 0
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")


def test_filled_feeds_pass_the_full_validation(real: Catalogue, tmp_path: Path) -> None:
    """A feed filled in from a shape is valid SC 4.0 for its own gemeente."""
    out = tmp_path / "public"
    build(real, out)
    for slug in ("aalsmeer", "zeist", "sudwest-fryslan", "noardeast-fryslan",
                 "den-haag", "s-hertogenbosch"):
        feed = (out / slug / "sc" / "producten.xml").read_bytes()
        assert validate_feed(feed, real) == []
        assert real.gemeenten[next(c for c, g in real.gemeenten.items()
                                   if g.slug == slug)].owms_uri.encode() in feed


@pytest.mark.parametrize(("snippet", "slug", "shown"), [
    ("<p>{{ site.name|upper }}</p>", "zeist", "<p>ZEIST</p>"),  # changes the name
    ("{% if site.name == 'Zeist' %}<p>ZEIST</p>{% endif %}", "zeist", "<p>ZEIST</p>"),
    ("{% if site.gemeente.slug.startswith('zei') %}<p>ZEIST</p>{% endif %}",
     "zeist", "<p>ZEIST</p>"),  # branches on it
    ("<p>{{ site.name[:2] }}{{ site.name[2:]|upper }}</p>", "zeist", "<p>ZeIST</p>"),
    # Replaces in it, on a site whose first of its shape has nothing to replace:
    ("<p>{{ site.name|replace('ei', 'EI') }}</p>", "zeist", "<p>ZEIst</p>"),
    ("<p>{{ site.contact.phone|replace(' ', '') }}</p>", "zeist", "<p>030000</p>"),
])
def test_a_template_that_does_more_than_show_a_name_is_rendered_in_full(
        real: Catalogue, tmp_path: Path, snippet: str, slug: str, shown: str,
        shape_sharing: str) -> None:
    """A theme whose template changes, cuts or branches on a gemeente's name
    (or phone number) gets correct pages for every gemeente, not a copy of
    another one's. Zeist, Aalsmeer and Den Haag have contact details of one
    form; Aalsmeer, the first of them, has no 'ei' and no space to replace."""
    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    template = themes / "base" / "templates" / "accessibility.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% block content %}",
                                     "{% block content %}" + snippet, 1),
                        encoding="utf-8")
    catalogue = _with_own_contact(real, ["zeist", "aalsmeer", "den-haag"],
                                  same_form=True)
    phones = {"zeist": "030 000", "aalsmeer": "+3101", "den-haag": "0000 0000"}
    catalogue.profiles.update({  # the same form, another phone number
        cbs: profile.model_copy(update={"contact": profile.contact.model_copy(
            update={"phone": phones[catalogue.gemeenten[cbs].slug]})})
        for cbs, profile in catalogue.profiles.items()
        if catalogue.gemeenten[cbs].slug in phones})
    build(catalogue, tmp_path / "shapes", themes)
    build(catalogue, tmp_path / "full", themes, shapes=False)
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    path = Path("toegankelijkheid", "index.html")
    assert shown in (tmp_path / "shapes" / slug / path).read_text(encoding="utf-8")
    other = (tmp_path / "shapes" / "den-haag" / path).read_text(encoding="utf-8")
    assert shown not in other


def test_edits_of_filled_sites_equal_fresh_full_builds(tmp_path: Path) -> None:
    """Incremental builds of sites that share a shape: after a national edit only
    the pages that show it are written, and the result is what a full rendering
    of the edited catalogue gives."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    out = tmp_path / "public"
    build(load_catalogue(content, themes_dir=THEMES), out)
    before = tree(out)
    product = content / "producten" / "paspoort-aanvragen.md"
    text = product.read_text(encoding="utf-8")
    marker = "## Wat is het?\n"
    product.write_text(text.replace(marker, marker + "Een nieuwe zin.\n", 1),
                       encoding="utf-8")
    edited = load_catalogue(content, themes_dir=THEMES)
    summary = build(edited, out)
    after = tree(out)
    changed = {path.split("/", 1)[1] for path in after if after[path] != before[path]}
    assert changed == {"producten/paspoort-aanvragen/index.html",
                       "sc/producten.xml", "open-data/producten.json"}, changed
    assert summary.pages_stamped > 0
    build(edited, tmp_path / "full", shapes=False)
    assert after == tree(tmp_path / "full")
    again = build(edited, out)
    assert again.pages_written == 0 and tree(out) == after



def test_budget_counts_what_each_filled_page_loads(real: Catalogue,
                                                   tmp_path: Path) -> None:
    """A page that loads an address with the gemeente's name in it is weighed
    with that gemeente's file, not with the file of the site its shape was
    checked on."""
    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    template = themes / "base" / "templates" / "contact.html"
    text = template.read_text(encoding="utf-8")
    image = '<img src="{{ root }}static/kaart-{{ site.slug }}.svg" alt="">'
    template.write_text(text.replace("{% block content %}",
                                     "{% block content %}" + image, 1),
                        encoding="utf-8")
    static = themes / "base" / "static"
    noise = hashlib.shake_256(b"kaart").hexdigest(40 * 1024)  # does not compress
    for slug in SAMPLE:
        small = slug != "zeist"
        (static / f"kaart-{slug}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><desc>'
            + ("" if small else noise) + "</desc></svg>", encoding="utf-8")
    for shapes in (True, False):
        with pytest.raises(BuildError) as info:
            build(real, tmp_path / f"public-{shapes}", themes, shapes=shapes)
        problems = [line for line in str(info.value).splitlines()
                    if "de grens is" in line]
        assert problems == ["site zeist: contact/index.html: eerste bezoek is "
                            + problems[0].split("eerste bezoek is ", 1)[1]], problems


def test_small_shapes_go_to_one_worker_and_long_tasks_first() -> None:
    """A worker that stages a shape's first site makes its stamps; a small shape
    is one batch (one worker), a big one is dealt out in fours, and sites
    rendered in full come first."""
    from sitegen.build import SMALL_SHAPE, _batches

    big = [f"GM{n:04d}" for n in range(SMALL_SHAPE + 5)]
    small = ["GM9001", "GM9002", "GM9003"]
    alone = ["GM8001", "GM8002"]
    codes = sorted(big + small + alone)
    shapes = {**{c: "groot" for c in big}, **{c: "klein" for c in small}}
    batches = _batches(codes, shapes)
    assert sorted(c for batch in batches for c in batch) == codes  # each site once
    assert batches[:2] == [["GM8001"], ["GM8002"]]
    assert batches[2] == small
    assert all(len(b) <= 4 and set(b) <= set(big) for b in batches[3:])
    assert len(batches) == 3 + -(-len(big) // 4)


def test_filled_export_pieces_hold_each_products_entry(real: Catalogue) -> None:
    """A filled export is joined in one go; each piece's byte range must still
    hold exactly that product's entry with the gemeente's values, as the next
    incremental build reuses pieces by range."""
    from exports.stamped import export_stamps

    codes = {g.slug: c for c, g in real.gemeenten.items()}
    masked = masked_catalogue(real, codes["aalsmeer"])
    stamps = export_stamps(masked)
    assert stamps is not None
    # non-ASCII values and quotes change lengths (per spot, as it escapes them)
    for slug in ("aalsmeer", "sudwest-fryslan", "den-haag"):
        values = identity_values(real.gemeenten[codes[slug]])
        assert values is not None
        for stamp in stamps.values():
            keys = {name: f"sleutel-{name}" for name, _ in stamp.pieces}
            filled = stamp.fill(values, keys)
            entries = [piece.fill(values) for _, piece in stamp.pieces]
            assert filled.data == (stamp.head.fill(values) + stamp.gap.join(entries)
                                   + stamp.tail.fill(values))
            assert [(p.slug, p.key) for p in filled.pieces] == [
                (s, f"sleutel-{s}") for s, _ in stamp.pieces]
            assert [filled.data[p.start:p.end] for p in filled.pieces] == entries


def test_filled_exports_keep_percent_signs_as_written() -> None:
    """Export stamps are filled by bytes %-formatting: a '%' in a text (a fee
    of '50%', or text that looks like a format field) must come out as typed."""
    from exports.stamped import ExportStamp

    def stamp(*pieces: bytes | int) -> Stamp:
        segments = [p for p in pieces if isinstance(p, bytes)]
        slots = [p for p in pieces if isinstance(p, int)]
        return Stamp(tuple(segments), tuple(slots))

    export = ExportStamp(
        head=stamp(b"<kop %s 100%>", 0, b"%%"),
        pieces=(("a", stamp(b"[50% korting ", 1, b" %(0)s]")),
                ("b", stamp(b"[", 0, b"%d%%", 1, b"]"))),
        tail=stamp(b"</kop %>"),
        gap=b"%",
    )
    values = (b"Utr%echt", b"GM%(1)s")
    filled = export.fill(values, {"a": "k"})
    entries = [piece.fill(values) for _, piece in export.pieces]
    assert filled.data == (b"<kop %s 100%>Utr%echt%%" + b"%".join(entries)
                           + b"</kop %>")
    assert entries[0] == b"[50% korting GM%(1)s %(0)s]"
    assert [filled.data[p.start:p.end] for p in filled.pieces] == entries
    assert [p.key for p in filled.pieces] == ["k", ""]


WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")


def _with_own_contact(real: Catalogue, slugs: list[str], same_form: bool = False
                      ) -> Catalogue:
    """The catalogue with, for these gemeenten (none with data of its own), a
    profile of contact details and a desk, each with values of its own: data
    their SC feed and open data do not show.

    `same_form`: every one has the same details set and the same opening days
    (values with a '+', an '@', an '&', a quote or an 'â'), but the last, whose
    desk has a note with a character no marker probes. Else each has a form
    of its own (other opening days, by appointment or not).
    """
    from samenloket.model import Contact, GemeenteProfile, Location, OpeningHours

    profiles = dict(real.profiles)
    for number, slug in enumerate(slugs):
        cbs = next(c for c, g in real.gemeenten.items() if g.slug == slug)
        assert cbs not in profiles
        name = real.gemeenten[cbs].name
        if same_form:
            days = WEEKDAYS[:2]
            contact = Contact(
                phone=f"+31 {number:02d} 000 0000", phone_hours="Op werkdagen.",
                email=f"info@{slug}.example",
                contact_form_url=(f"https://www.{slug}.example/contact"
                                  f"?over=balie&nr={number}"),
                website=f"https://www.{slug}.example",
                postal_address=f"Postbus {number + 1}, {name}")
            note = "Let op!" if number == len(slugs) - 1 else f"Ingang {name}"
        else:
            days = WEEKDAYS[:number % 5 + 1]
            contact = Contact(phone=f"0000 {number:04d}")
            note = None
        profiles[cbs] = GemeenteProfile(
            cbs_code=cbs, example_data=True, contact=contact,
            locations=(Location(name="Gemeentehuis", address=f"Markt {number + 1}",
                                postcode="1234 AB", city=name, note=note,
                                appointment_only=number % 2 == 0 and not same_form,
                                opening_hours=tuple(
                                    OpeningHours(day=day, close="17:00",
                                                 open=f"{8 + number % 3:02d}:00")
                                    for day in days)),))
    return real.model_copy(update={"profiles": profiles})


OWN_CONTACT = ["aalsmeer", "aa-en-hunze", "alkmaar", "almere", "ameland",
               "sudwest-fryslan", "den-haag", "s-hertogenbosch", "zeist"]


def test_sites_with_own_contact_details_share_their_filled_in_exports(
    real: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each site whose contact details have a form of their own is its own
    shape, but its SC feed and open data are those of the others, filled in:
    the same bytes as made in full, and valid SC 4.0."""
    catalogue = _with_own_contact(real, OWN_CONTACT)
    summary = build(catalogue, tmp_path / "shapes")
    assert not set(sitegen.build._JOB["shapes"]) & {
        c for c, g in catalogue.gemeenten.items() if g.slug in OWN_CONTACT}
    own = {c for c, g in catalogue.gemeenten.items() if g.slug in OWN_CONTACT}
    export_shapes = sitegen.build._JOB["export_shapes"]
    assert own <= set(export_shapes)
    assert len({export_shapes[c] for c in own}) == 1
    with monkeypatch.context() as patch:
        patch.setattr(sitegen.build, "plan_export_shapes", lambda *_: {})
        without = build(catalogue, tmp_path / "without")
    # Both files of each such site, but the first in each of the two workers
    # (which checks the stamps against its own exports made in full).
    assert summary.pages_stamped - without.pages_stamped >= 2 * (len(OWN_CONTACT) - 2)
    full = build(catalogue, tmp_path / "full", shapes=False)
    assert tree(tmp_path / "without") == tree(tmp_path / "full")
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    for slug in ("aa-en-hunze", "sudwest-fryslan", "s-hertogenbosch"):
        feed = (tmp_path / "shapes" / slug / "sc" / "producten.xml").read_bytes()
        assert validate_feed(feed, catalogue) == []
    assert full.pages_stamped == 0


def test_sites_whose_own_contact_details_have_one_form_share_a_shape(
    real: Catalogue, tmp_path: Path, shape_sharing: str
) -> None:
    """Gemeenten with their own phone, e-mail, addresses and opening hours, set
    alike, get their pages filled in from one shape with their own values: the
    same bytes as rendered in full (a tel: link without spaces, a '&' escaped
    where the page escapes it). A value no marker can stand for keeps its
    site out of the shape."""
    catalogue = _with_own_contact(real, OWN_CONTACT, same_form=True)
    codes = {g.slug: c for c, g in catalogue.gemeenten.items()}
    summary = build(catalogue, tmp_path / "shapes")
    shapes = sitegen.build._JOB["shapes"]
    alike = {codes[slug] for slug in OWN_CONTACT[:-1]}
    assert alike <= set(shapes) and codes[OWN_CONTACT[-1]] not in shapes
    assert len({shapes[c] for c in alike}) == 1
    assert not {shapes[c] for c in alike} & {shapes[codes["achtkarspelen"]]}
    primed = sitegen.build._JOB["shape_cache"]
    made = primed[shapes[codes["den-haag"]]]._pages if primed else {}
    build(catalogue, tmp_path / "full", shapes=False)
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    # All pages of the alike sites (and security.txt) are filled in, but in the
    # first one each worker builds.
    pages = len(list((tmp_path / "full" / "zeist").glob("**/index.html"))) + 1
    assert summary.pages_stamped >= (len(alike) - 2) * pages
    if shape_sharing == "primed":  # the parent made the shape's stamps: all of them
        assert len(made) >= pages and None not in made.values(), made
    page = (tmp_path / "shapes" / "aa-en-hunze" / "producten" / "paspoort-aanvragen"
            / "index.html").read_text(encoding="utf-8")  # filled in
    number = OWN_CONTACT.index("aa-en-hunze")
    assert f'href="tel:+31{number:02d}0000000">+31 {number:02d} 000 0000</a>' in page
    assert f"Markt {number + 1}, Aa en Hunze" in page
    contact = (tmp_path / "shapes" / "den-haag" / "contact" / "index.html").read_text(
        encoding="utf-8")
    assert "contact?over=balie&amp;nr=" in contact
    assert "info@den-haag.example" in contact
    assert ">www.den-haag.example</a>" in contact
    security = (tmp_path / "shapes" / "den-haag" / ".well-known" / "security.txt"
                ).read_text(encoding="utf-8")
    assert "Contact: https://www.den-haag.example/contact?over=balie&nr=" in security


def test_a_new_phone_number_rewrites_only_that_sites_pages(
    real: Catalogue, tmp_path: Path
) -> None:
    """A gemeente of a shared shape that changes its phone number gets every
    page that shows it written again, filled in with the new number; no other
    site changes, and the result is what a full rendering gives."""
    catalogue = _with_own_contact(real, OWN_CONTACT, same_form=True)
    out = tmp_path / "public"
    build(catalogue, out)
    before = tree(out)
    zeist = next(c for c, g in catalogue.gemeenten.items() if g.slug == "zeist")
    profile = catalogue.profiles[zeist]
    edited = catalogue.model_copy(update={"profiles": {**catalogue.profiles, zeist:
        profile.model_copy(update={"contact": profile.contact.model_copy(
            update={"phone": "030 123 45 67"})})}})
    summary = build(edited, out)
    after = tree(out)
    changed = {path for path in after if after[path] != before[path]}
    assert {path.split("/", 1)[0] for path in changed} == {"zeist"}
    assert "zeist/producten/paspoort-aanvragen/index.html" in changed
    assert summary.sites_changed == 1
    page = (out / "zeist" / "producten" / "paspoort-aanvragen" / "index.html"
            ).read_text(encoding="utf-8")
    assert 'href="tel:0301234567">030 123 45 67</a>' in page
    build(edited, tmp_path / "full", shapes=False)
    assert after == tree(tmp_path / "full")


def test_sites_of_several_shapes_share_one_export_shape(
    real: Catalogue, tmp_path: Path
) -> None:
    """Sites whose contact details have other forms (other page shapes) but
    the same export data fill in one SC feed and open data: each worker checks
    it once, not once per page shape."""
    alike, others = OWN_CONTACT[:3], OWN_CONTACT[3:]
    catalogue = _with_own_contact(_with_own_contact(real, alike, same_form=True),
                                  others)
    own = {c for c, g in catalogue.gemeenten.items() if g.slug in OWN_CONTACT}
    summary = build(catalogue, tmp_path / "shapes")
    shapes, exports = (sitegen.build._JOB[k] for k in ("shapes", "export_shapes"))
    assert len({shapes.get(c, c) for c in own}) > 2  # one shared, others alone
    assert len({exports[c] for c in own}) == 1
    # Both export files of each, but the first in each of the two workers.
    full = build(catalogue, tmp_path / "full", shapes=False)
    assert tree(tmp_path / "shapes") == tree(tmp_path / "full")
    pages = len(list((tmp_path / "full" / "zeist").glob("**/index.html")))
    assert summary.pages_stamped >= 2 * (len(own) - 2) + (len(alike) - 2) * (pages - 1)
    assert full.pages_stamped == 0


def test_exports_read_only_the_profile_fields_export_shapes_group_by(
    real: Catalogue,
) -> None:
    """What sitegen.shapes.export_profile leaves out (contact details, desks,
    news, homepage) does not change a gemeente's SC feed or open data; if an
    export ever shows it, this fails and export_profile must keep it."""
    from exports import site_exports
    from sitegen.shapes import export_profile

    for cbs, profile in real.profiles.items():
        assert profile.contact.phone and profile.locations and profile.news
        reduced = real.model_copy(update={
            "profiles": {**real.profiles, cbs: export_profile(profile)}})
        assert ({p: e.data for p, e in site_exports(real, cbs, {}).items()}
                == {p: e.data for p, e in site_exports(reduced, cbs, {}).items()})


def test_a_placeholder_masks_contact_values_but_keeps_their_form(
        real: Catalogue) -> None:
    """Gemeenten whose contact details differ only in their values have one
    form; a value no marker can stand for is part of the form, and a profile
    with more values than there are markers is never stamped."""
    from samenloket.model import GemeenteProfile, OpeningHours
    from samenloket.stamp import (
        IDENTITY_FIELDS,
        MAX_SLOTS,
        OpaqueValue,
        local_form,
        masked_profile,
        stamp_values,
    )

    catalogue = _with_own_contact(real, ["zeist", "aalsmeer", "den-haag"],
                                  same_form=True)
    by_slug = {g.slug: (g, catalogue.profiles[c])
               for c, g in catalogue.gemeenten.items() if c in catalogue.profiles}
    zeist, aalsmeer, den_haag = (by_slug[s][1]
                                 for s in ("zeist", "aalsmeer", "den-haag"))
    def form(profile: GemeenteProfile) -> dict[str, object]:
        return local_form(profile, catalogue.products).model_dump(exclude={"cbs_code"})

    assert form(zeist) == form(aalsmeer) != form(den_haag)  # "Let op!"
    masked = masked_profile(zeist)
    assert masked is not None and isinstance(masked.contact.phone, OpaqueValue)
    assert isinstance(masked.locations[0].note, OpaqueValue)  # "Ingang Zeist"
    assert masked_profile(den_haag).locations[0].note == "Let op!"  # type: ignore[union-attr]
    assert masked.locations[0].opening_hours[0].day == "maandag"  # days are form
    values = stamp_values(*by_slug["zeist"])
    assert values is not None
    assert values[len(IDENTITY_FIELDS)] == zeist.contact.phone.encode()
    assert len(values) == len(stamp_values(*by_slug["aalsmeer"]))  # type: ignore[arg-type]
    many = zeist.model_copy(update={"locations": (zeist.locations[0].model_copy(update={
        "opening_hours": (OpeningHours(day="maandag", open="09:00", close="10:00"),)
        * MAX_SLOTS}),)})
    assert stamp_values(by_slug["zeist"][0], many) is None
    assert masked_profile(many) is None
