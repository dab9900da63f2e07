"""SC import: a gemeente's existing feed becomes local product files, safely."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from exports_fixture import UTRECHT, ZWOLLE
from lxml import etree

from exports import render_sc_feed
from exports.sc_import import (
    apply_import,
    import_feed,
    local_product_markdown,
    write_import,
)
from exports.xmlsafe import MAX_FEED_BYTES, FeedReadError
from samenloket.cli import main
from samenloket.loader import Collector, _load_local_products, load_catalogue
from samenloket.model import Catalogue, FeeItem, Fees, LocalProduct

MODIFIED = date(2026, 3, 1)
SC = "http://standaarden.overheid.nl/product/terms/"
UPL = "http://standaarden.overheid.nl/owms/terms/"
UTRECHT_OWMS = UPL + "Utrecht_(gemeente)"


def _product(pid: str, title: str, upl: str, online: str = "nee", url: str = "",
             abstract: str = "") -> str:
    url_xml = (f'<p:aanvraagURL resourceIdentifier="{url}">Aanvragen</p:aanvraagURL>'
               if url else "")
    mantel = (f"<p:owmsmantel><dc:audience>particulier</dc:audience>"
              f"<dc:abstract>{abstract}</dc:abstract></p:owmsmantel>"
              if abstract else "")
    return f"""
  <p:scproduct owms-version="4.0">
    <p:meta>
      <p:owmskern>
        <dc:identifier>https://www.utrecht.nl/{pid}</dc:identifier>
        <dc:title>{title}</dc:title>
        <dc:language>nl</dc:language>
        <dc:type scheme="overheid:Informatietype">productbeschrijving</dc:type>
        <dc:modified>2019-05-01</dc:modified>
        <overheid:authority scheme="overheid:Gemeente"
            resourceIdentifier="{UTRECHT_OWMS}">Utrecht</overheid:authority>
      </p:owmskern>{mantel}
      <p:scmeta>
        <p:productID>{pid}</p:productID>
        <p:onlineAanvragen>{online}</p:onlineAanvragen>
        {url_xml}{upl}
      </p:scmeta>
    </p:meta>
    <p:body><p:productHTML><![CDATA[<!DOCTYPE html><p>Oude tekst</p>]]></p:productHTML>
    </p:body>
  </p:scproduct>"""


def _upl(uri: str | None, label: str) -> str:
    ri = f' resourceIdentifier="{uri}"' if uri else ""
    return (f'<p:uniformeProductnaam scheme="overheid:UniformeProductnaam"{ri}>'
            f"{label}</p:uniformeProductnaam>")


# Another supplier's shape: other prefixes, no owmsmantel, https UPL URIs, a
# label-only UPL, numeric productIDs, CDATA HTML mentioning <!DOCTYPE html>.
HAND_MADE = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- export uit het oude PDC van Utrecht -->
<p:scproducten xmlns:p="{SC}" xmlns:dc="http://purl.org/dc/terms/"
    xmlns:overheid="http://standaarden.overheid.nl/owms/terms/">
{_product("1001", "  Paspoort   aanvragen of verlengen ",
          _upl("https://standaarden.overheid.nl/owms/terms/paspoort", "paspoort"),
          "digid", "https://www.utrecht.nl/paspoort/aanvragen")}
{_product("1002", "Rijbewijs", _upl(UPL + "rijbewijs", "rijbewijs"))}
{_product("1003", "Rijbewijs verlengen", _upl(None, "Rijbewijs"), "ja",
          "http://www.utrecht.nl/rijbewijs")}
{_product("1004", "Hondenbelasting", _upl(UPL + "hondenbelasting", "hondenbelasting"))}
{_product("1005", "Iets nieuws", _upl(UPL + "bestaatniet", "bestaat niet"))}
{_product("1006", "Paspoort spoed", _upl(UPL + "paspoort", "paspoort"))}
{_product("1007", "Terrasvergunning",
          _upl(UPL + "terrasvergunning", "terrasvergunning"), "ja",
          "https://www.utrecht.nl/terras", abstract="&lt;p&gt;Terras&lt;/p&gt;")}
{_product("1008", "Zonder UPL", "")}
</p:scproducten>
""".encode()


def _copy_content(content_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir, target)
    return target


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _without_body(feed: bytes) -> bytes:
    root = etree.fromstring(feed)
    for html in root.iter(f"{{{SC}}}productHTML"):
        html.text = ""
    return etree.tostring(root)


def _sc_only(catalogue: Catalogue) -> Catalogue:
    """Zwolle keeping only local values an SC feed can carry (no fees, no text)."""
    profile = catalogue.profiles[ZWOLLE]
    locals_ = {
        slug: LocalProduct(product=slug, offered=lp.offered, title=lp.title,
                           summary=lp.summary, application_url=lp.application_url,
                           login=lp.login)
        for slug, lp in profile.products.items()
    }
    profile = profile.model_copy(update={"products": locals_})
    return catalogue.model_copy(update={
        "profiles": {**catalogue.profiles, ZWOLLE: profile}})


def _without_zwolle_locals(catalogue: Catalogue) -> Catalogue:
    profile = catalogue.profiles[ZWOLLE].model_copy(update={"products": {}})
    return catalogue.model_copy(update={
        "profiles": {**catalogue.profiles, ZWOLLE: profile}})


# ---------------------------------------------------------------- own feeds


def test_own_feed_matches_every_product(catalogue: Catalogue) -> None:
    """Our own export matches every product by productID and changes nothing."""
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    result = import_feed(feed, catalogue, ZWOLLE)
    assert result.unmatched == [] and result.warnings == []
    assert {m.via for m in result.matched} == {"productID"}
    assert result.changed == []
    assert result.local_products == catalogue.profiles[ZWOLLE].products


def test_round_trip_is_stable(catalogue: Catalogue) -> None:
    """export → import → export gives byte-identical feeds, for every gemeente kind."""
    for code in (ZWOLLE, UTRECHT):
        feed = render_sc_feed(catalogue, code, MODIFIED)
        after = apply_import(catalogue, import_feed(feed, catalogue, code))
        assert render_sc_feed(after, code, MODIFIED) == feed


def test_round_trip_from_empty_local_data(catalogue: Catalogue) -> None:
    """Importing a feed into a gemeente without local files rebuilds the same feed."""
    source = _sc_only(catalogue)
    feed = render_sc_feed(source, ZWOLLE, MODIFIED)
    empty = _without_zwolle_locals(source)
    result = import_feed(feed, empty, ZWOLLE, mark_absent=True)
    assert result.not_in_feed == ["evenementenvergunning"]
    after = apply_import(empty, result)
    assert render_sc_feed(after, ZWOLLE, MODIFIED) == feed
    lp = result.local_products
    assert lp["rijbewijs-verlengen"].login == "digid"
    assert lp["rijbewijs-verlengen"].title == "Rijbewijs verlengen in Zwolle"
    assert lp["terrasvergunning"].offered and lp["terrasvergunning"].login is None
    assert lp["evenementenvergunning"].offered is False


def test_absent_products_stay_offered_by_default(catalogue: Catalogue) -> None:
    """Without mark_absent a product missing from the feed is only reported."""
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    empty = _without_zwolle_locals(catalogue)
    result = import_feed(feed, empty, ZWOLLE)
    assert result.not_in_feed == ["evenementenvergunning"]
    assert "evenementenvergunning" not in result.local_products
    assert "--absent-not-offered" in result.format()


def test_write_import_files_load_back(catalogue: Catalogue, content_dir: Path,
                                      tmp_path: Path) -> None:
    """--write produces content files the loader reads back to the same feed."""
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    content = _copy_content(content_dir, tmp_path)
    shutil.rmtree(content / "gemeenten" / "zwolle" / "producten")
    before = load_catalogue(content)
    result = import_feed(feed, before, ZWOLLE, mark_absent=True)
    written = write_import(result, content)
    assert sorted(p.name for p in written) == [
        "evenementenvergunning.md", "paspoort-aanvragen.md", "rijbewijs-verlengen.md",
        "terrasvergunning.md"]
    after = load_catalogue(content)
    assert after.profiles[ZWOLLE].products == result.local_products
    again = render_sc_feed(after, ZWOLLE, MODIFIED)
    assert again == render_sc_feed(apply_import(before, result), ZWOLLE, MODIFIED)
    # all SC metadata survives; only the body lacks local fees and text
    assert _without_body(again) == _without_body(feed)
    assert not list(content.glob(".sc-import-*"))


def test_local_product_markdown_reads_back(tmp_path: Path) -> None:
    """A written local file with fees, sections and local text loads identically."""
    local = LocalProduct(
        product="paspoort-aanvragen", example=True, title="Paspoort: aanvragen",
        fees=Fees(year=2026, items=(FeeItem(label="Paspoort", amount="84.00"),)),
        delivery_time="Binnen 5 werkdagen.", application_url="https://x.nl/a?b=1",
        login="eherkenning", sections={"costs": "Eigen **kosten**."},
        local_text="Kom langs.\n\n- met afspraak",
    )
    folder = tmp_path / "producten"
    folder.mkdir()
    (folder / "paspoort-aanvragen.md").write_text(local_product_markdown(local))
    errors = Collector(tmp_path)
    assert _load_local_products(folder, errors) == {"paspoort-aanvragen": local}
    assert errors.errors == []


# ---------------------------------------------------------------- other shapes


def test_hand_made_feed_of_another_shape(catalogue: Catalogue) -> None:
    """Another supplier's feed is matched by UPL, and every miss says why."""
    result = import_feed(HAND_MADE, catalogue, UTRECHT)
    matched = {m.feed.product_id: (m.slug, m.via) for m in result.matched}
    assert matched == {
        "1001": ("paspoort-aanvragen", "UPL 'paspoort'"),
        "1003": ("rijbewijs-verlengen", "UPL en titel"),
        "1007": ("terrasvergunning", "UPL 'terrasvergunning'"),
    }
    reasons = {u.feed.product_id: u.reason for u in result.unmatched}
    assert reasons["1002"].startswith("meerdere kandidaten: rijbewijs-aanvragen, "
                                      "rijbewijs-verlengen")
    assert "hoort bij geen landelijk product" in reasons["1004"]
    assert "staat niet op de UPL" in reasons["1005"]
    assert "al gekoppeld" in reasons["1006"]
    assert "geen uniformeProductnaam" in reasons["1008"]
    assert all(u.fix for u in result.unmatched)
    paspoort = result.local_products["paspoort-aanvragen"]
    assert paspoort.title == "Paspoort aanvragen of verlengen"
    assert paspoort.application_url == "https://www.utrecht.nl/paspoort/aanvragen"
    assert paspoort.login == "digid"
    terras = result.local_products["terrasvergunning"]
    assert terras.offered and terras.summary is None  # HTML abstract not taken
    # the http link is refused, and nothing else is local: no file needed
    assert "rijbewijs-verlengen" not in result.local_products
    assert result.changed == ["paspoort-aanvragen", "terrasvergunning"]
    assert any("voldoet niet helemaal aan SC 4.0" in w for w in result.warnings)
    report = result.format()
    assert "niet gekoppeld: 5" in report and "oplossing:" in report


def test_hand_made_feed_written_as_new_gemeente_folder(
    content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """sc-import --write creates the folder of a gemeente that had none."""
    content = _copy_content(content_dir, tmp_path)
    feed = tmp_path / "utrecht.xml"
    feed.write_bytes(HAND_MADE)
    args = ["--content", str(content), "sc-import", str(feed), "--gemeente", "GM0344"]
    assert main(args) == 0
    assert "Proefrun: er is niets geschreven" in capsys.readouterr().out
    assert not (content / "gemeenten" / "utrecht").exists()
    assert main([*args, "--write"]) == 0
    assert "2 bestand(en) geschreven" in capsys.readouterr().out
    folder = content / "gemeenten" / "utrecht"
    assert (folder / "gemeente.yaml").read_text() == "cbs_code: GM0344\n"
    assert sorted(p.name for p in (folder / "producten").iterdir()) == [
        "paspoort-aanvragen.md", "terrasvergunning.md"]
    loaded = load_catalogue(content)
    assert loaded.profiles[UTRECHT].products["paspoort-aanvragen"].login == "digid"


def test_feed_of_other_gemeente_is_refused(catalogue: Catalogue) -> None:
    """A feed whose authority is another gemeente is not imported."""
    with pytest.raises(FeedReadError, match="van Utrecht, niet van Zwolle"):
        import_feed(HAND_MADE, catalogue, ZWOLLE)


# ---------------------------------------------------------------- hostile input

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE scproducten [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<scproducten xmlns="http://standaarden.overheid.nl/product/terms/">&xxe;</scproducten>
"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<scproducten xmlns="http://standaarden.overheid.nl/product/terms/">&lol4;</scproducten>
"""
HOSTILE = {
    "xxe": (XXE, "DOCTYPE"),
    "xxe-utf16": (XXE.replace(b'<?xml version="1.0"?>', b"")
                  .decode().encode("utf-16"), "DOCTYPE"),
    "billion-laughs": (LAUGHS, "DOCTYPE"),
    "external-dtd": (b'<!DOCTYPE scproducten SYSTEM "http://evil.example/x.dtd">'
                     b'<scproducten xmlns="' + SC.encode() + b'"/>', "DOCTYPE"),
    "plain-doctype": (b"<!DOCTYPE scproducten><scproducten/>", "DOCTYPE"),
    "wrong-namespace": (b'<scproducten xmlns="http://example.org/sc"/>', "namespace"),
    "no-namespace": (b"<scproducten><scproduct/></scproducten>", "geen namespace"),
    "wrong-root": (b'<producten xmlns="' + SC.encode() + b'"/>', "hoofdelement"),
    "malformed": (b'<scproducten xmlns="' + SC.encode() + b'"><scproduct>',
                  "geen geldige XML"),
    "not-xml": (b"UniformeProductnaam,URI\npaspoort,x\n", "geen geldige XML"),
    "empty": (b"  \n", "leeg"),
    "no-products": (b'<scproducten xmlns="' + SC.encode() + b'"/>', "geen enkel"),
    "oversized": (b'<scproducten xmlns="' + SC.encode() + b'">'
                  + b" " * MAX_FEED_BYTES + b"</scproducten>", "MB"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_feed_is_refused(name: str, catalogue: Catalogue) -> None:
    """Hostile or wrong XML raises a clear FeedReadError with a fix."""
    data, expected = HOSTILE[name]
    with pytest.raises(FeedReadError) as info:
        import_feed(data, catalogue, ZWOLLE)
    assert expected in info.value.message
    assert info.value.fix
    assert "root:" not in str(info.value)  # never leaks /etc/passwd


@pytest.mark.parametrize("name", ["xxe", "billion-laughs", "wrong-root", "oversized"])
def test_hostile_feed_writes_nothing(name: str, content_dir: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`sc-import --write` on a hostile file exits 1 and leaves content/ untouched."""
    content = _copy_content(content_dir, tmp_path)
    before = _snapshot(content)
    feed = tmp_path / "feed.xml"
    feed.write_bytes(HOSTILE[name][0])
    code = main(["--content", str(content), "sc-import", str(feed), "--gemeente",
                 "GM0193", "--write"])
    assert code == 1
    assert "Er is niets geschreven" in capsys.readouterr().err
    assert _snapshot(content) == before
