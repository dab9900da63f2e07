"""Search without a server, in Chromium with the sites' CSP: typing finds the
product first, the site's own texts are merged in, products a gemeente does not
offer never show, and a first search stays under 200 KB."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from frontend_support import build, serve
from playwright.sync_api import expect
from support import FIXTURE_CONTENT, THEMES

from sitegen.budget import FIRST_SEARCH_LIMIT, wire_size
from sitegen.search import SEARCH_DIR

pytestmark = pytest.mark.browser


def search(chromium, base_url: str, slug: str, term: str) -> dict:
    """Type a term on a site's search page; return titles, urls, bytes, problems."""
    context = chromium.new_context()
    page = context.new_page()
    loaded: list[str] = []
    problems: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    try:
        page.goto(f"{base_url}/{slug}/zoeken/")
        before = len(loaded)
        page.locator("#zoekvraag").press_sequentially(term, delay=20)
        status = page.locator("#zoekstatus")
        # wait for the answer to the whole term, not to a half-typed one
        expect(status).to_have_text(re.compile(f"resulta+t.*“{term}”"), timeout=15000)
        links = page.locator("#zoekresultaten li h3 a")
        result = {
            "status": status.inner_text(),
            "titles": links.all_inner_texts(),
            "excerpts": page.locator("#zoekresultaten li > p:last-child")
            .all_inner_texts(),
            "urls": [links.nth(i).get_attribute("href") for i in range(links.count())],
            "search_files": loaded[before:],
            "page_url": page.url,
            "problems": problems,
        }
    finally:
        context.close()
    return result


def transferred(root: Path, base_url: str, urls: list[str]) -> int:
    """Bytes of the given requests as a host with gzip would send them."""
    total = 0
    for url in urls:
        path = url.removeprefix(base_url).split("?", 1)[0].lstrip("/")
        file = root / path
        if file.is_file():
            total += wire_size(file)
    return total


def test_typing_finds_the_product_first(chromium, base_url: str,
                                        frontend_site: Path) -> None:
    result = search(chromium, base_url, "amersfoort", "paspoort")
    assert result["titles"][0] == "Paspoort aanvragen", result
    assert result["urls"][0] == "/amersfoort/producten/paspoort-aanvragen/"
    assert result["page_url"].endswith("/amersfoort/zoeken/?q=paspoort")
    assert not result["problems"], result["problems"]  # CSP included
    size = transferred(frontend_site, base_url, result["search_files"])
    assert 0 < size <= FIRST_SEARCH_LIMIT


def test_local_text_replaces_the_national_result(chromium, base_url: str) -> None:
    """Utrecht changed its paspoort text: its own version shows, not the national."""
    result = search(chromium, base_url, "utrecht", "paspoort")
    assert result["titles"][0] == "Paspoort aanvragen in Utrecht", result
    assert "Paspoort aanvragen" not in result["titles"]
    assert "Gemeentehuis utrecht dicht op Koningsdag" in result["titles"]  # local news


def test_not_offered_products_never_show(chromium, base_url: str) -> None:
    """Zwolle does not offer the identiteitskaart: it is never a result there."""
    zwolle = search(chromium, base_url, "zwolle", "identiteitskaart")
    assert "Identiteitskaart aanvragen" not in zwolle["titles"]
    utrecht = search(chromium, base_url, "utrecht", "identiteitskaart")
    assert "Identiteitskaart aanvragen" in utrecht["titles"]


def test_no_result_message(chromium, base_url: str) -> None:
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(f"{base_url}/zwolle/zoeken/?q=xyzzyq")
        expect(page.locator("#zoekstatus")).to_have_text(
            re.compile("Geen resultaten"), timeout=15000)
        assert page.locator("#zoekresultaten").is_hidden()
        assert page.locator("#alle-producten-lijst a").count() >= 2  # A-Z stays
    finally:
        context.close()


def test_short_terms_wait_for_enter(chromium, base_url: str) -> None:
    """Two typed letters load no index chunk and show a hint; Enter searches them."""
    context = chromium.new_context()
    page = context.new_page()
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    try:
        page.goto(f"{base_url}/utrecht/zoeken/")
        status = page.locator("#zoekstatus")
        page.locator("#zoekvraag").press_sequentially("pa", delay=20)
        expect(status).to_have_text(re.compile("Typ verder"), timeout=15000)
        page.wait_for_timeout(600)  # longer than the script's pause after typing
        assert not [u for u in loaded if u.endswith((".pf_index", ".pf_fragment"))]
        assert page.locator("#zoekresultaten").is_hidden()
        page.locator("#zoekvraag").press("Enter")
        expect(status).to_have_text(re.compile("resultat.*“pa”"), timeout=15000)
        assert page.locator("#zoekresultaten li").count() > 0
    finally:
        context.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The small fixture: Utrecht and Schiermonnikoog have no local data of their
    own, so they share one local index."""
    out = tmp_path_factory.mktemp("shared-search") / "public"
    build(FIXTURE_CONTENT, out)
    with serve(out) as url:
        yield out, url


def test_gemeenten_without_own_data_share_one_local_index(chromium, shared) -> None:
    """One local index serves both sites, yet each shows and finds its own name."""
    out, url = shared
    entries = [out / slug / SEARCH_DIR / "lokaal" / "pagefind-entry.json"
               for slug in ("utrecht", "schiermonnikoog")]
    assert os.path.samestat(entries[0].stat(), entries[1].stat())
    for slug, name in (("utrecht", "Utrecht"), ("schiermonnikoog", "Schiermonnikoog")):
        contact = search(chromium, url, slug, "contact")
        assert not contact["problems"], contact["problems"]
        assert "Contact" in contact["titles"], contact
        excerpt = contact["excerpts"][contact["titles"].index("Contact")]
        assert f"gemeente {name}" in excerpt, excerpt
        named = search(chromium, url, slug, f"contact {name.lower()}")
        assert named["titles"][:1] == ["Contact"] or "Contact" in named["titles"], named
        home = search(chromium, url, slug, name)
        assert f"Welkom bij de gemeente {name}" in home["titles"], home
        shown = " ".join(contact["titles"] + contact["excerpts"] + home["titles"]
                         + home["excerpts"])
        assert "slkt" not in shown.lower(), shown


def _same_form_content(content: Path) -> None:
    """The small fixture with Utrecht and Schiermonnikoog given contact details
    and a desk of the same form."""
    shutil.copytree(FIXTURE_CONTENT, content)
    for slug, code, desk, street, phone in (
            ("utrecht", "GM0344", "Stadsloket", "Domplein", "030 286 00 00"),
            ("schiermonnikoog", "GM0088", "Eilandbalie", "Reeweg", "0519 531 000")):
        folder = content / "gemeenten" / slug
        folder.mkdir()
        (folder / "gemeente.yaml").write_text(
            f"cbs_code: {code}\nexample_data: true\n"
            f"contact: {{phone: '{phone}', website: 'https://www.{slug}.example'}}\n"
            f"locations:\n  - {{name: {desk}, address: {street} 1, postcode: 1234 AB,"
            f" city: {slug.title()}, opening_hours: [{{day: maandag, open: '09:00',"
            " close: '12:00'}]}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def same_form(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Utrecht and Schiermonnikoog with details of the same form (see
    _same_form_content): one shape, one local index."""
    content = tmp_path_factory.mktemp("same-form") / "content"
    _same_form_content(content)
    out = content.parent / "public"
    build(content, out)
    with serve(out) as url:
        yield out, url


@pytest.fixture(scope="module")
def own_texts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """As same_form, and Utrecht has a local text of its own for the passport,
    Schiermonnikoog only a delivery time; both have one for the identity card;
    Utrecht has a homepage text and a news item of its own: one shape, one
    local index."""
    content = tmp_path_factory.mktemp("own-texts") / "content"
    _same_form_content(content)
    own = "---\nexample: true\n---\n\n## Lokale informatie\n\n{}\n"
    for slug, product, text in (
            ("utrecht", "paspoort-aanvragen",
             own.format("Haal uw paspoort op bij de fietsenstalling.")),
            ("schiermonnikoog", "paspoort-aanvragen",
             "---\nexample: true\ndelivery_time: Binnen 2 weken.\n---\n"),
            ("utrecht", "identiteitskaart-aanvragen",
             own.format("U haalt de kaart op bij de tramhalte.")),
            ("schiermonnikoog", "identiteitskaart-aanvragen",
             own.format("U haalt de kaart op bij de veerboot."))):
        folder = content / "gemeenten" / slug / "producten"
        folder.mkdir(exist_ok=True)
        (folder / f"{product}.md").write_text(text, encoding="utf-8")
    utrecht = content / "gemeenten" / "utrecht"
    (utrecht / "home.md").write_text(
        "---\ntitle: Welkom in de Domstad\n---\n\nRegel uw zaken met de "
        "gemeente, ook bij de bibliotheek.\n", encoding="utf-8")
    (utrecht / "nieuws").mkdir()
    (utrecht / "nieuws" / "2026-05-04-singelloop.md").write_text(
        "Title: Singelloop op zondag\nDate: 2026-05-04\nSummary: De wegen rond "
        "de singel zijn dicht.\n\nTijdens de singelloop zijn de wegen dicht.\n",
        encoding="utf-8")
    out = content.parent / "public"
    build(content, out)
    with serve(out) as url:
        yield out, url


def test_details_of_the_same_form_share_one_local_index(chromium, same_form) -> None:
    """One local index serves both sites, with placeholder words for their
    details; each finds its own desk by its name and street, not the other's,
    and shows its own values in the results."""
    out, url = same_form
    entries = [out / slug / SEARCH_DIR / "lokaal" / "pagefind-entry.json"
               for slug in ("utrecht", "schiermonnikoog")]
    assert os.path.samestat(entries[0].stat(), entries[1].stat())
    cases = (("utrecht", ("stadsloket", "domplein"), "eilandbalie"),
             ("schiermonnikoog", ("eilandbalie", "reeweg"), "domplein"))
    for slug, own, other in cases:
        for term in own:
            found = search(chromium, url, slug, term)
            assert not found["problems"], found["problems"]
            assert "Contact" in found["titles"], found
            excerpt = found["excerpts"][found["titles"].index("Contact")]
            assert "slkt" not in excerpt.lower(), excerpt
        assert "Contact" not in search(chromium, url, slug, other)["titles"]
    phone = search(chromium, url, "schiermonnikoog", "531")
    assert "Contact" in phone["titles"], phone
    typing = search(chromium, url, "utrecht", "stadsl")  # the start of a word
    assert "Contact" in typing["titles"], typing


def test_a_local_text_of_its_own_is_found_on_that_site_only(chromium,
                                                             own_texts) -> None:
    """Sites of one shape share one local index, whatever their own product
    texts: Utrecht finds its passport text; Schiermonnikoog does not, and finds
    the national passport text instead (Utrecht's own version hides the
    national one on Utrecht's site only); both still find their own desk."""
    from samenloket.loader import load_catalogue
    from sitegen.shapes import plan_shapes

    out, url = own_texts
    catalogue = load_catalogue(out.parent / "content", themes_dir=THEMES)
    plan = plan_shapes(catalogue, ["GM0344", "GM0088"])
    assert plan["GM0344"] == plan["GM0088"]  # the pages: one shape
    entries = [out / slug / SEARCH_DIR / "lokaal" / "pagefind-entry.json"
               for slug in ("utrecht", "schiermonnikoog")]
    assert os.path.samestat(entries[0].stat(), entries[1].stat())
    found = search(chromium, url, "utrecht", "fietsenstalling")
    assert not found["problems"], found["problems"]
    assert found["titles"][:1] == ["Paspoort aanvragen"], found
    assert "fietsenstalling" in found["excerpts"][0].lower(), found
    assert "Paspoort aanvragen" not in search(chromium, url, "schiermonnikoog",
                                              "fietsenstalling")["titles"]
    for slug in ("utrecht", "schiermonnikoog"):  # one result: its own or national
        passport = search(chromium, url, slug, "paspoort")
        assert not passport["problems"], passport["problems"]
        assert passport["titles"].count("Paspoort aanvragen") == 1, passport
        first = passport["excerpts"][passport["titles"].index("Paspoort aanvragen")]
        text = search(chromium, url, slug, "fietsenstalling")["titles"]
        assert ("Paspoort aanvragen" in text) == (slug == "utrecht"), (slug, text)
        assert "slkt" not in first.lower(), first
    for slug, desk in (("utrecht", "stadsloket"), ("schiermonnikoog", "eilandbalie")):
        assert "Contact" in search(chromium, url, slug, desk)["titles"]
    # Both have their own text for the identity card, at the same page address:
    # each finds its own and links to the page itself.
    for slug, word, other in (("utrecht", "tramhalte", "veerboot"),
                              ("schiermonnikoog", "veerboot", "tramhalte")):
        card = search(chromium, url, slug, word)
        assert card["titles"][:1] == ["Identiteitskaart aanvragen"], card
        assert card["urls"][0].endswith("producten/identiteitskaart-aanvragen/"), card
        assert search(chromium, url, slug, other)["titles"] == [], (slug, other)
        card = search(chromium, url, slug, "identiteitskaart")
        assert card["titles"].count("Identiteitskaart aanvragen") == 1, card
    page = (out / "schiermonnikoog" / "producten" / "paspoort-aanvragen"
            / "index.html").read_text(encoding="utf-8")
    assert "Binnen 2 weken." in page and "fietsenstalling" not in page


def test_an_own_homepage_text_and_news_are_found_on_that_site_only(
        chromium, own_texts) -> None:
    """Utrecht's homepage text and news item are in the local index it shares
    with Schiermonnikoog: Utrecht finds them, and its homepage once;
    Schiermonnikoog finds neither, and still its own (shared) homepage."""
    out, url = own_texts
    news = search(chromium, url, "utrecht", "singelloop")
    assert not news["problems"], news["problems"]
    assert news["titles"][:1] == ["Singelloop op zondag"], news
    assert news["urls"][0].endswith("/utrecht/nieuws/2026-05-04-singelloop/"), news
    assert (out / "utrecht" / "nieuws" / "2026-05-04-singelloop").is_dir()
    assert search(chromium, url, "schiermonnikoog", "singelloop")["titles"] == []
    home = search(chromium, url, "utrecht", "bibliotheek")
    assert home["titles"] == ["Welkom in de Domstad"], home
    assert home["urls"][0].endswith("/utrecht/"), home
    assert search(chromium, url, "schiermonnikoog", "bibliotheek")["titles"] == []
    welcome = search(chromium, url, "utrecht", "welkom")
    assert "Welkom in de Domstad" in welcome["titles"], welcome
    assert not any("Schiermonnikoog" in t or "Utrecht" in t
                   for t in welcome["titles"]), welcome  # not the shared homepage
    other = search(chromium, url, "schiermonnikoog", "welkom")
    assert "Welkom bij de gemeente Schiermonnikoog" in other["titles"], other
    assert "Welkom in de Domstad" not in other["titles"], other


def test_a_typed_name_is_found_beside_the_placeholder(chromium, base_url: str) -> None:
    """A news title that names the gemeente is found by that name, as are the
    pages where the gemeente's own name is filled in."""
    result = search(chromium, base_url, "utrecht", "utrecht")
    assert "Gemeentehuis utrecht dicht op Koningsdag" in result["titles"], result
    assert any("Utrecht" in t and "Welkom" in t for t in result["titles"]), result


def test_a_site_finds_its_own_desk_and_address(chromium, base_url: str) -> None:
    """Zwolle's desk name and address (masked where its pages are filled in
    from a shape) are words of its own local index."""
    for term in ("stadskantoor", "lübeckplein"):
        result = search(chromium, base_url, "zwolle", term)
        assert not result["problems"], result["problems"]
        assert "Contact" in result["titles"], result
    other = search(chromium, base_url, "utrecht", "lübeckplein")
    assert "Contact" not in other["titles"], other


def test_a_search_that_fails_says_so(chromium, base_url: str) -> None:
    """When part of the index cannot be loaded (a lost connection, say) the
    page says the search did not work, instead of staying silent."""
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{base_url}/utrecht/zoeken/")
        expect(page.locator("#zoekvraag")).to_be_visible()
        page.route("**/zoekindex/*/fragment/**", lambda route: route.abort())
        page.locator("#zoekvraag").press_sequentially("paspoort", delay=20)
        expect(page.locator("#zoekstatus")).to_have_text(
            re.compile("Zoeken lukte niet"), timeout=15000)
        assert any("Zoeken mislukt" in e for e in errors), errors
    finally:
        context.close()


@pytest.mark.slow
def test_real_site_search(chromium, real_site: Path) -> None:
    """On the real Utrecht site 'paspoort' gives the passport product first."""
    with serve(real_site) as url:
        result = search(chromium, url, "utrecht", "paspoort")
        assert result["titles"][0].startswith("Paspoort"), result["titles"]
        assert result["urls"][0] == "/utrecht/producten/paspoort-aanvragen/"
        assert not result["problems"], result["problems"]
        size = transferred(real_site, url, result["search_files"])
        assert size <= FIRST_SEARCH_LIMIT, size
