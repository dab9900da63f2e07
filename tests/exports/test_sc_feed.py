"""The SC 4.0 feed per gemeente: content, order, determinism, validity."""

from __future__ import annotations

from datetime import date

import pytest
from exports_fixture import UTRECHT, ZWOLLE
from lxml import etree

from exports import ExportError, render_sc_feed, site_files, validate_feed
from exports.sc_feed import DCTERMS_NS, OVERHEID_NS, SC_NS, default_modified
from exports.sc_validate import sc_schema
from samenloket.model import Catalogue
from samenloket.resolve import offered_products, product_url

NS = {"sc": SC_NS, "dcterms": DCTERMS_NS, "overheid": OVERHEID_NS}
MODIFIED = date(2026, 3, 1)


def _products(feed: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(feed)
    return {
        sc.findtext("sc:meta/sc:scmeta/sc:productID", namespaces=NS): sc
        for sc in root.iterfind("sc:scproduct", NS)
    }


def test_feed_validates_for_gemeente_with_local_data(catalogue: Catalogue) -> None:
    """Zwolle's feed, with local titles, links and fees, passes XSD and SC rules."""
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    assert validate_feed(feed, catalogue) == []


def test_every_gemeente_of_fixture_validates(catalogue: Catalogue) -> None:
    """All 342 gemeenten get a valid feed, also those without a folder."""
    for code in catalogue.gemeenten:
        feed = render_sc_feed(catalogue, code, MODIFIED)
        assert validate_feed(feed, catalogue) == [], code


def test_not_offered_product_is_absent(catalogue: Catalogue) -> None:
    """A not-offered product is absent from the feed; an opted-in one is present."""
    zwolle = _products(render_sc_feed(catalogue, ZWOLLE, MODIFIED))
    assert "GM0193-evenementenvergunning" not in zwolle
    assert "GM0193-terrasvergunning" in zwolle  # default_offered false, opted in
    utrecht = _products(render_sc_feed(catalogue, UTRECHT, MODIFIED))
    assert "GM0344-terrasvergunning" not in utrecht
    assert "GM0344-evenementenvergunning" in utrecht
    assert len(zwolle) == len(offered_products(catalogue, ZWOLLE))


def test_root_declares_prefixes(catalogue: Catalogue) -> None:
    """The root is SC's scproducten and declares overheid, dcterms and xsi."""
    root = etree.fromstring(render_sc_feed(catalogue, ZWOLLE, MODIFIED))
    assert root.tag == f"{{{SC_NS}}}scproducten"
    assert root.nsmap["overheid"] == OVERHEID_NS
    assert root.nsmap["dcterms"] == DCTERMS_NS
    assert "xsi" in root.nsmap


def test_local_values_and_element_order(catalogue: Catalogue) -> None:
    """Rijbewijs carries Zwolle's title, digid link and OWMS URIs, in XSD order."""
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    sc = _products(feed)["GM0193-rijbewijs-verlengen"]
    kern = sc.find("sc:meta/sc:owmskern", NS)
    assert [etree.QName(e).localname for e in kern] == [
        "identifier", "title", "language", "type", "creator", "modified", "spatial",
        "authority",
    ]
    owms = catalogue.gemeenten[ZWOLLE].owms_uri
    assert kern.findtext("dcterms:identifier", namespaces=NS) == product_url(
        catalogue, ZWOLLE, "rijbewijs-verlengen")
    title = kern.findtext("dcterms:title", namespaces=NS)
    assert title == "Rijbewijs verlengen in Zwolle"
    assert kern.findtext("dcterms:modified", namespaces=NS) == "2026-03-01"
    for tag in ("dcterms:creator", "dcterms:spatial", "overheid:authority"):
        element = kern.find(tag, NS)
        assert element.get("scheme") == "overheid:Gemeente"
        assert element.get("resourceIdentifier") == owms
        assert element.text == "Zwolle"
    scmeta = sc.find("sc:meta/sc:scmeta", NS)
    assert [etree.QName(e).localname for e in scmeta] == [
        "productID", "onlineAanvragen", "aanvraagURL", "uniformeProductnaam"]
    assert scmeta.findtext("sc:onlineAanvragen", namespaces=NS) == "digid"
    assert scmeta.find("sc:aanvraagURL", NS).get("resourceIdentifier") == (
        "https://www.zwolle.nl/rijbewijs")
    upl = scmeta.find("sc:uniformeProductnaam", NS)
    assert upl.get("scheme") == "overheid:UniformeProductnaam"
    assert upl.get("resourceIdentifier") == "http://standaarden.overheid.nl/owms/terms/rijbewijs"
    assert upl.text == "rijbewijs"


def test_online_aanvragen_values(catalogue: Catalogue) -> None:
    """eHerkenning link gives 'ja' with aanvraagURL; no link gives 'nee' without one."""
    products = _products(render_sc_feed(catalogue, ZWOLLE, MODIFIED))
    terras = products["GM0193-terrasvergunning"].find("sc:meta/sc:scmeta", NS)
    assert terras.findtext("sc:onlineAanvragen", namespaces=NS) == "ja"
    assert terras.find("sc:aanvraagURL", NS) is not None
    paspoort = products["GM0193-paspoort-aanvragen"].find("sc:meta/sc:scmeta", NS)
    assert paspoort.findtext("sc:onlineAanvragen", namespaces=NS) == "nee"
    assert paspoort.find("sc:aanvraagURL", NS) is None


def test_audience_and_abstract(catalogue: Catalogue) -> None:
    """Both audiences carry overheid:Doelgroep; the abstract is the local summary."""
    products = _products(render_sc_feed(catalogue, UTRECHT, MODIFIED))
    mantel = products["GM0344-evenementenvergunning"].find("sc:meta/sc:owmsmantel", NS)
    audiences = mantel.findall("dcterms:audience", NS)
    assert [a.text for a in audiences] == ["particulier", "ondernemer"]
    assert {a.get("scheme") for a in audiences} == {"overheid:Doelgroep"}
    zwolle = _products(render_sc_feed(catalogue, ZWOLLE, MODIFIED))
    abstract = zwolle["GM0193-paspoort-aanvragen"].findtext(
        "sc:meta/sc:owmsmantel/dcterms:abstract", namespaces=NS)
    assert abstract == "Vraag in Zwolle een paspoort aan in het Stadskantoor."


def test_body_is_escaped_html_with_local_facts(catalogue: Catalogue) -> None:
    """productHTML holds escaped HTML text (no XHTML elements) with local fees."""
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    sc = _products(feed)["GM0193-paspoort-aanvragen"]
    html = sc.find("sc:body/sc:productHTML", NS)
    assert len(html) == 0  # no child elements: they cannot validate (see sc.xsd)
    assert "<h2>Kosten</h2>" in html.text
    assert "Kosten in 2026" in html.text and "€ 84,00" in html.text
    assert "Maak eerst een afspraak" in html.text
    # site paths in content become absolute links on the gemeente's site
    link = 'href="https://zwolle.samenloket.nl/producten/paspoort-aanvragen/"'
    assert link in html.text
    assert b"&lt;h2&gt;" in feed


def test_same_catalogue_gives_identical_bytes(catalogue: Catalogue) -> None:
    """Rendering twice gives byte-identical feeds, also with the default date."""
    assert render_sc_feed(catalogue, ZWOLLE) == render_sc_feed(catalogue, ZWOLLE)
    assert render_sc_feed(catalogue, ZWOLLE, MODIFIED) == render_sc_feed(
        catalogue, ZWOLLE, MODIFIED)


def test_default_modified_is_derived_not_clock(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a date the newest fee year is used, or SOURCE_DATE_EPOCH when set."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert default_modified(catalogue) == date(2026, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00Z
    assert default_modified(catalogue) == date(2026, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert b"<dcterms:modified>2023-11-14<" in render_sc_feed(catalogue, ZWOLLE)


def test_product_ids_stable_between_builds(catalogue: Catalogue) -> None:
    """productIDs come from gemeente + slug: a rebuild or new order keeps them."""
    first = set(_products(render_sc_feed(catalogue, ZWOLLE, MODIFIED)))
    # a different product order in the catalogue must not change any productID
    shuffled = catalogue.model_copy(update={
        "products": dict(reversed(list(catalogue.products.items())))})
    second = set(_products(render_sc_feed(shuffled, ZWOLLE, date(2030, 1, 1))))
    assert first == second
    assert first == {f"GM0193-{r.slug}" for r in offered_products(catalogue, ZWOLLE)}


def test_xsd_parsed_once(catalogue: Catalogue) -> None:
    """The XSD is parsed once per process and reused for every feed."""
    assert sc_schema() is sc_schema()


def test_site_files_returns_feed_and_open_data(catalogue: Catalogue) -> None:
    """site_files gives the validated feed and open data at fixed site paths."""
    files = site_files(catalogue, ZWOLLE, MODIFIED)
    assert set(files) == {"sc/producten.xml", "open-data/producten.json"}
    assert files["sc/producten.xml"] == render_sc_feed(catalogue, ZWOLLE, MODIFIED)


def test_site_files_refuses_invalid_feed(catalogue: Catalogue) -> None:
    """A product summary with HTML makes site_files raise ExportError naming it."""
    bad = catalogue.products["paspoort-aanvragen"].model_copy(
        update={"summary": "Vraag <b>snel</b> een paspoort aan bij de gemeente."})
    broken = catalogue.model_copy(update={
        "products": {**catalogue.products, "paspoort-aanvragen": bad}})
    try:
        site_files(broken, UTRECHT, MODIFIED)
    except ExportError as exc:
        assert [p.rule for p in exc.problems] == ["abstract-html"]
        assert "Utrecht (GM0344)" in str(exc)
        assert "GM0344-paspoort-aanvragen" in str(exc)
    else:
        raise AssertionError("ExportError verwacht")


def test_all_342_feeds_of_real_content_validate(real_catalogue: Catalogue) -> None:
    """Every gemeente's feed of the real content/ passes the XSD and all SC rules.

    (Speed is measured by `make bench`, never asserted in tests.)"""
    assert len(real_catalogue.gemeenten) == 342
    problems = []
    for code in sorted(real_catalogue.gemeenten):
        feed = render_sc_feed(real_catalogue, code, MODIFIED)
        problems += validate_feed(feed, real_catalogue)
    assert problems == [], "\n".join(p.format() for p in problems[:20])


def test_feed_never_links_to_a_product_the_gemeente_lacks() -> None:
    """Zwolle does not offer the identiteitskaart: the paspoort text that links
    to it reads as plain text in Zwolle's feed, as on Zwolle's site."""
    import re

    from support import FIXTURE_CONTENT

    from samenloket.loader import load_catalogue
    from samenloket.resolve import is_offered

    fixture = load_catalogue(FIXTURE_CONTENT)
    for code, gemeente in fixture.gemeenten.items():
        feed = render_sc_feed(fixture, code, MODIFIED).decode()
        own = re.escape(product_url(fixture, code, "x").removesuffix("x/"))
        linked = set(re.findall(own + r"([a-z0-9-]+)/", feed))
        assert linked, gemeente.slug
        assert all(is_offered(fixture, code, slug) for slug in linked), gemeente.slug
    zwolle = render_sc_feed(fixture, ZWOLLE, MODIFIED).decode()
    assert "bekijk de identiteitskaart." in zwolle
