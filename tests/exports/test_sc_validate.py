"""Feed validation: every SC rule the XSD misses is caught, and bad feeds never ship."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from exports_fixture import ZWOLLE
from lxml import etree

from exports import ExportError, export_all, render_sc_feed, validate_feed
from exports.sc_feed import DCTERMS_NS, OVERHEID_NS, SC_NS
from exports.sc_validate import RULES
from samenloket.model import Catalogue

NS = {"sc": SC_NS, "dcterms": DCTERMS_NS, "overheid": OVERHEID_NS}
MODIFIED = date(2026, 3, 1)
DIGID = "GM0193-rijbewijs-verlengen"
PASPOORT = "GM0193-paspoort-aanvragen"


def _product(root: etree._Element, pid: str) -> etree._Element:
    for sc in root.iterfind("sc:scproduct", NS):
        if sc.findtext("sc:meta/sc:scmeta/sc:productID", namespaces=NS) == pid:
            return sc
    raise KeyError(pid)


def _find(pid: str, path: str) -> Callable[[etree._Element], etree._Element]:
    return lambda root: _product(root, pid).find(path, NS)


def _remove(pid: str, path: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        element = _find(pid, path)(root)
        element.getparent().remove(element)
    return mutate


def _set_text(pid: str, path: str, text: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        _find(pid, path)(root).text = text
    return mutate


def _set_attr(pid: str, path: str, name: str, value: str | None
              ) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        element = _find(pid, path)(root)
        if value is None:
            del element.attrib[name]
        else:
            element.set(name, value)
    return mutate


def _copy_to_second(path: str) -> Callable[[etree._Element], None]:
    """Give the second product the first product's value at path."""
    def mutate(root: etree._Element) -> None:
        first, second = root.findall("sc:scproduct", NS)[:2]
        second.find(path, NS).text = first.find(path, NS).text
    return mutate


def _remove_all_products(root: etree._Element) -> None:
    for sc in root.findall("sc:scproduct", NS):
        root.remove(sc)


KERN = "sc:meta/sc:owmskern/"
META = "sc:meta/sc:scmeta/"
UPL = META + "sc:uniformeProductnaam"

# (rule that must be reported, mutation, does the XSD also catch it?)
MUTATIONS: dict[str, tuple[str, Callable[[etree._Element], None], bool]] = {
    "no-owmsmantel": ("owmsmantel", _remove(PASPOORT, "sc:meta/sc:owmsmantel"), False),
    "no-scmeta": ("scmeta", _remove(PASPOORT, "sc:meta/sc:scmeta"), False),
    "no-spatial": ("spatial", _remove(PASPOORT, KERN + "dcterms:spatial"), False),
    "no-authority": ("authority", _remove(PASPOORT, KERN + "overheid:authority"),
                     False),
    "identifier-http": ("identifier", _set_text(
        PASPOORT, KERN + "dcterms:identifier",
        "http://zwolle.samenloket.nl/producten/paspoort-aanvragen/"), False),
    "identifier-relative": ("identifier", _set_text(
        PASPOORT, KERN + "dcterms:identifier", "/producten/paspoort-aanvragen/"),
        False),
    "audience-value": ("audience", _set_text(
        PASPOORT, "sc:meta/sc:owmsmantel/dcterms:audience", "burger"), False),
    "audience-no-scheme": ("audience", _set_attr(
        PASPOORT, "sc:meta/sc:owmsmantel/dcterms:audience", "scheme", None), False),
    "audience-wrong-scheme": ("audience", _set_attr(
        PASPOORT, "sc:meta/sc:owmsmantel/dcterms:audience", "scheme",
        "overheid:Gemeente"), False),
    "upl-no-uri": ("upl", _set_attr(PASPOORT, UPL, "resourceIdentifier", None), False),
    "upl-unknown-uri": ("upl", _set_attr(
        PASPOORT, UPL, "resourceIdentifier",
        "http://standaarden.overheid.nl/owms/terms/paspoortje"), False),
    "upl-missing": ("upl", _remove(PASPOORT, UPL), False),
    "upl-label": ("upl-label", _set_text(PASPOORT, UPL, "reisdocument"), False),
    "spatial-not-owms": ("owms-uri", _set_attr(
        PASPOORT, KERN + "dcterms:spatial", "resourceIdentifier",
        "http://standaarden.overheid.nl/owms/terms/Atlantis_(gemeente)"), False),
    "authority-not-owms": ("owms-uri", _set_attr(
        PASPOORT, KERN + "overheid:authority", "resourceIdentifier",
        "https://www.zwolle.nl"), False),
    "aanvraag-url-missing": ("aanvraag-url", _remove(DIGID, META + "sc:aanvraagURL"),
                             False),
    "aanvraag-url-not-https": ("aanvraag-url", _set_attr(
        DIGID, META + "sc:aanvraagURL", "resourceIdentifier",
        "http://www.zwolle.nl/rijbewijs"), False),
    "duplicate-productid": ("dubbel-productid", _copy_to_second(
        META + "sc:productID"), False),
    "duplicate-identifier": ("dubbel-identifier", _copy_to_second(
        KERN + "dcterms:identifier"), False),
    "abstract-html": ("abstract-html", _set_text(
        PASPOORT, "sc:meta/sc:owmsmantel/dcterms:abstract",
        "Vraag <b>snel</b> een paspoort aan."), False),
    "abstract-entity": ("abstract-html", _set_text(
        PASPOORT, "sc:meta/sc:owmsmantel/dcterms:abstract",
        "Vraag&nbsp;een paspoort aan."), False),
    "xsd-order": ("xsd", lambda root: _find(PASPOORT, KERN + "dcterms:identifier")(
        root).addnext(_find(PASPOORT, KERN + "dcterms:language")(root)), True),
    "xsd-enum": ("xsd", _set_text(DIGID, META + "sc:onlineAanvragen", "misschien"),
                 True),
    "no-products": ("geen-producten", _remove_all_products, True),
}


@pytest.fixture(scope="module")
def valid_feed(catalogue: Catalogue) -> bytes:
    feed = render_sc_feed(catalogue, ZWOLLE, MODIFIED)
    assert validate_feed(feed, catalogue) == []
    return feed


def _mutated(feed: bytes, mutate: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(feed)
    mutate(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_rule_is_reported(name: str, valid_feed: bytes,
                                 catalogue: Catalogue) -> None:
    """Breaking one rule on purpose reports that rule, naming gemeente and product."""
    rule, mutate, xsd_catches = MUTATIONS[name]
    problems = validate_feed(_mutated(valid_feed, mutate), catalogue)
    rules = {p.rule for p in problems}
    assert rule in rules, [p.format() for p in problems]
    assert ("xsd" in rules) == xsd_catches  # the extra rules catch what the XSD misses
    hit = next(p for p in problems if p.rule == rule)
    assert hit.message and hit.fix
    if rule != "geen-producten":  # an empty feed names no gemeente or product
        assert hit.gemeente == "Zwolle (GM0193)"
        assert hit.product.startswith("GM0193-") or "Paspoort" in hit.product


def test_every_rule_has_a_mutation() -> None:
    """Each rule of the validator is covered by a mutation (or a test below)."""
    covered = {rule for rule, _, _ in MUTATIONS.values()}
    assert set(RULES) - covered == {"xml", "root", "overheid-prefix"}


def test_undeclared_overheid_prefix(valid_feed: bytes, catalogue: Catalogue) -> None:
    """scheme="overheid:…" without a declared overheid prefix is reported."""
    feed = (valid_feed.replace(b"xmlns:overheid=", b"xmlns:ovh=")
            .replace(b"<overheid:", b"<ovh:").replace(b"</overheid:", b"</ovh:"))
    rules = {p.rule for p in validate_feed(feed, catalogue)}
    assert {"overheid-prefix", "xsd"} <= rules


def test_unreadable_and_foreign_xml(catalogue: Catalogue) -> None:
    """Malformed XML and a wrong root give one clear problem each."""
    [broken] = validate_feed(b"<scproducten", catalogue)
    assert broken.rule == "xml" and "geen geldige XML" in broken.message
    [root] = validate_feed(b"<rss/>", catalogue)
    assert root.rule == "root" and "<scproducten>" in root.message


def test_problem_format_is_plain_dutch(valid_feed: bytes, catalogue: Catalogue) -> None:
    """A formatted problem says where, which rule, what is wrong and the fix."""
    feed = _mutated(valid_feed, MUTATIONS["aanvraag-url-missing"][1])
    [problem] = validate_feed(feed, catalogue)
    text = problem.format()
    assert text.startswith('Zwolle (GM0193), product GM0193-rijbewijs-verlengen '
                           '"Rijbewijs verlengen in Zwolle"')
    assert "[aanvraag-url]" in text and "oplossing: vul application_url in" in text


def test_export_all_writes_every_gemeente(catalogue: Catalogue, tmp_path: Path) -> None:
    """export_all writes <slug>/producten.xml for all 342 and nothing when unchanged."""
    summary = export_all(catalogue, tmp_path, modified=MODIFIED)
    assert summary.files == summary.written == 342
    assert (tmp_path / "zwolle" / "producten.xml").read_bytes() == render_sc_feed(
        catalogue, ZWOLLE, MODIFIED)
    again = export_all(catalogue, tmp_path, modified=MODIFIED)
    assert again.written == 0 and again.unchanged == 342
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary files left


def test_export_all_writes_nothing_when_one_feed_is_invalid(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """Invalid feeds (an HTML entity in a summary) stop the whole export."""
    bad = catalogue.products["paspoort-aanvragen"].model_copy(
        update={"summary": "Paspoort &amp; ID-kaart: vraag ze aan bij de gemeente."})
    broken = catalogue.model_copy(update={
        "products": {**catalogue.products, "paspoort-aanvragen": bad}})
    with pytest.raises(ExportError) as info:
        export_all(broken, tmp_path / "out", modified=MODIFIED)
    assert not (tmp_path / "out").exists()
    assert {p.rule for p in info.value.problems} == {"abstract-html"}
    # every gemeente but Zwolle (which has its own summary) inherits the bad text
    assert len(info.value.problems) == 341
    assert "er is niets geschreven" in str(info.value)


def test_sc_export_cli(content_dir: Path, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str]) -> None:
    """`samenloket sc-export --gemeente` writes one feed and prints counts."""
    from samenloket.cli import main

    out = tmp_path / "out"
    code = main(["--content", str(content_dir), "sc-export", "--gemeente", "gm0193",
                 "--out", str(out), "--modified", "2026-03-01"])
    assert code == 0
    assert [p.name for p in out.iterdir()] == ["zwolle"]
    assert "1 SC-feed(s) met samen 4 producten" in capsys.readouterr().out
    assert main(["--content", str(content_dir), "sc-export", "--gemeente", "GM9999",
                 "--out", str(out)]) == 2
