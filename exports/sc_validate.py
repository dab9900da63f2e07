"""Check an SC 4.0 feed: the official XSD plus the rules the XSD does not enforce.

sc.xsd is looser than the SC 4.0 standard (owmsmantel, scmeta, spatial and
authority are all minOccurs="0"; audience and UPL labels are free text). overheid.nl
rejects or misfiles such products, so every rule of the brief's "SC 4.0 rules the
XSD does not check" is checked here as well. A feed with any problem is not
published (see exports.publish).

The XSD is parsed once per process (`sc_schema()`); validation is serialised with
a lock because an lxml XMLSchema object keeps its error log on the instance.
"""

from __future__ import annotations

import difflib
import re
import threading
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from samenloket.model import Catalogue, Gemeente

from .problems import FeedProblem
from .sc_feed import DCTERMS_NS, OVERHEID_NS, SC_NS
from .xmlsafe import FeedReadError, check_root, parse_xml

XSD_PATH = (
    Path(__file__).parent / "xsd" / "standaarden.overheid.nl" / "sc" / "4.0" / "xsd"
    / "sc.xsd"
)

# rule id -> what it guards (also the list the mutation tests walk through)
RULES: dict[str, str] = {
    "xml": "de feed is leesbare, veilige XML",
    "root": "het hoofdelement is <scproducten> in de SC-namespace",
    "xsd": "de feed voldoet aan het officiële sc.xsd",
    "geen-producten": "de feed heeft ten minste één product",
    "overheid-prefix": "het voorvoegsel overheid: is gedeclareerd",
    "owmsmantel": "elk product heeft owmsmantel",
    "scmeta": "elk product heeft scmeta",
    "spatial": "elk product heeft dcterms:spatial",
    "authority": "elk product heeft overheid:authority",
    "identifier": "dcterms:identifier is een volledige https-link",
    "audience": "doelgroep alleen particulier/ondernemer met overheid:Doelgroep",
    "upl": "elk product heeft een uniformeProductnaam met een URI van de UPL",
    "upl-label": "het label van de uniformeProductnaam hoort bij de URI",
    "owms-uri": "spatial/authority/creator wijzen naar een echte OWMS-gemeente",
    "aanvraag-url": "aanvraagURL (https) staat er bij onlineAanvragen ja of digid",
    "dubbel-productid": "geen productID twee keer in een feed",
    "dubbel-identifier": "geen identifier twee keer in een feed",
    "abstract-html": "geen HTML in dcterms:abstract",
}

AUDIENCES = ("particulier", "ondernemer")
_SC = f"{{{SC_NS}}}"
_DC = f"{{{DCTERMS_NS}}}"
_OV = f"{{{OVERHEID_NS}}}"
_HTML_RE = re.compile(
    r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
_SPACE_RE = re.compile(r"\s")
_XSD_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def sc_schema() -> etree.XMLSchema:
    """The official sc.xsd (vendored in exports/xsd/), parsed once per process."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser))


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _gemeente_of(products: list[etree._Element],
                 owms: dict[str, Gemeente]) -> str:
    """'Utrecht (GM0344)' from the first OWMS URI we recognise, for messages."""
    fallback = ""
    for sc in products:
        for tag in (_OV + "authority", _DC + "spatial", _DC + "creator"):
            for element in sc.iterfind(f"{_SC}meta/{_SC}owmskern/{tag}"):
                gemeente = owms.get(element.get("resourceIdentifier", "").strip())
                if gemeente is not None:
                    return f"{gemeente.name} ({gemeente.cbs_code})"
                fallback = fallback or _text(element)
    return fallback


def _product_label(sc: etree._Element) -> str:
    pid = _text(sc.find(f"{_SC}meta/{_SC}scmeta/{_SC}productID")) or "zonder productID"
    title = _text(sc.find(f"{_SC}meta/{_SC}owmskern/{_DC}title"))
    return f'{pid} "{title}"' if title else pid


def _is_https_url(value: str) -> bool:
    parts = urlsplit(value)
    return (parts.scheme == "https" and bool(parts.netloc)
            and not _SPACE_RE.search(value))


def _scheme_ok(element: etree._Element, expected_local: str | None = None) -> bool:
    """Does the QName in @scheme resolve to the overheid namespace (and name)?"""
    prefix, sep, local = (element.get("scheme") or "").partition(":")
    if not sep or element.nsmap.get(prefix) != OVERHEID_NS:
        return False
    return expected_local is None or local == expected_local


def _xsd_problems(tree: etree._ElementTree, products: list[etree._Element],
                  labels: list[str], gemeente: str) -> list[FeedProblem]:
    schema = sc_schema()
    with _XSD_LOCK:
        valid = schema.validate(tree)
        errors = [] if valid else list(schema.error_log)
    starts = [sc.sourceline or 0 for sc in products]
    problems = []
    for error in errors:
        index = bisect_right(starts, error.line) - 1
        product = labels[index] if index >= 0 else ""
        problems.append(FeedProblem(
            gemeente, product, "xsd",
            f"voldoet niet aan het officiële sc.xsd: {error.message}",
            "zet de elementen in de vaste volgorde en vul verplichte elementen en "
            "attributen in (zie exports/xsd/); komt de feed uit 'samenloket "
            "sc-export', meld dit dan als fout in de exporter",
            error.line,
        ))
    return problems


def _owms(catalogue: Catalogue) -> dict[str, Gemeente]:
    return {g.owms_uri: g for g in catalogue.gemeenten.values()}


def _duplicate_identifier(gemeente: str, label: str, value: str, other: str,
                          line: int | None) -> FeedProblem:
    return FeedProblem(gemeente, label, "dubbel-identifier",
                       f"identifier {value} staat ook bij {other}",
                       "geef elk product een eigen pagina-URL", line)


def _duplicate_product_id(gemeente: str, label: str, pid: str,
                          line: int | None) -> FeedProblem:
    return FeedProblem(gemeente, label, "dubbel-productid",
                       f"productID {pid} staat er twee keer",
                       "elk product krijgt een eigen productID (CBS-code + slug)", line)


def no_products(gemeente: str) -> FeedProblem:
    """The problem of a feed without any scproduct."""
    return FeedProblem(
        gemeente, "", "geen-producten", "de feed bevat geen enkel product",
        "SC 4.0 eist ten minste één scproduct: zet bij deze gemeente ten minste "
        "één product op 'offered: true'",
    )


class _Checker:
    """The extra SC rules for one feed; collects problems per product."""

    def __init__(self, catalogue: Catalogue, gemeente: str,
                 owms: dict[str, Gemeente] | None = None):
        self.upl = catalogue.upl
        self.owms = _owms(catalogue) if owms is None else owms
        self.gemeente = gemeente
        self.problems: list[FeedProblem] = []
        self.seen_ids: dict[str, str] = {}
        self.seen_identifiers: dict[str, str] = {}

    def add(self, product: str, rule: str, message: str, fix: str,
            line: int | None) -> None:
        self.problems.append(FeedProblem(self.gemeente, product, rule, message, fix,
                                         line))

    def check(self, sc: etree._Element, label: str) -> None:
        meta = sc.find(_SC + "meta")
        if meta is None:
            return  # the XSD reports a missing meta
        line = sc.sourceline
        kern = meta.find(_SC + "owmskern")
        mantel = meta.find(_SC + "owmsmantel")
        scmeta = meta.find(_SC + "scmeta")
        self._prefix(sc, label, line)
        if kern is not None:
            self._kern(kern, label, line)
        if mantel is None:
            self.add(label, "owmsmantel", "owmsmantel ontbreekt",
                     "voeg <owmsmantel> toe na <owmskern>, met dcterms:audience en "
                     "dcterms:abstract (SC 4.0 verplicht dit, het XSD niet)", line)
        else:
            self._mantel(mantel, label)
        if scmeta is None:
            self.add(label, "scmeta", "scmeta ontbreekt",
                     "voeg <scmeta> toe na <owmsmantel>, met productID, "
                     "onlineAanvragen en uniformeProductnaam", line)
        else:
            self._scmeta(scmeta, label, line)

    def _prefix(self, sc: etree._Element, label: str, line: int | None) -> None:
        for element in sc.iterfind(".//*[@scheme]"):
            value = element.get("scheme", "")
            if not _scheme_ok(element):
                self.add(label, "overheid-prefix",
                         f"scheme=\"{value}\" verwijst naar een voorvoegsel dat niet "
                         "aan de OWMS-namespace is gekoppeld",
                         f'declareer xmlns:overheid="{OVERHEID_NS}" op <scproducten>',
                         element.sourceline or line)
                return

    def _kern(self, kern: etree._Element, label: str, line: int | None) -> None:
        for element in kern.iterfind(_DC + "identifier"):
            value = _text(element)
            if not _is_https_url(value):
                self.add(label, "identifier",
                         f"dcterms:identifier '{value}' is geen volledige https-link",
                         "gebruik de volledige https://-link van de productpagina "
                         "(site_url in gemeente.yaml of catalogus.yaml)",
                         element.sourceline)
            elif value in self.seen_identifiers:
                self.problems.append(_duplicate_identifier(
                    self.gemeente, label, value, self.seen_identifiers[value],
                    element.sourceline))
            else:
                self.seen_identifiers[value] = label
        for tag, name in ((_DC + "spatial", "dcterms:spatial"),
                          (_OV + "authority", "overheid:authority")):
            rule = "spatial" if tag.endswith("spatial") else "authority"
            if kern.find(tag) is None:
                self.add(label, rule, f"{name} ontbreekt",
                         f'voeg {name} scheme="overheid:Gemeente" resourceIdentifier='
                         '"<OWMS-URI van de gemeente>" toe in owmskern', line)
        for tag in (_DC + "spatial", _OV + "authority", _DC + "creator"):
            for element in kern.iterfind(tag):
                uri = element.get("resourceIdentifier", "").strip()
                if uri and uri not in self.owms:
                    name = etree.QName(element).localname
                    self.add(label, "owms-uri",
                             f"{name} wijst naar '{uri}', geen OWMS-URI van een "
                             "huidige gemeente",
                             "neem de owms_uri over uit content/reference/"
                             "gemeenten.csv; vernieuw die lijst met 'samenloket "
                             "reference' als hij verouderd is", element.sourceline)

    def _mantel(self, mantel: etree._Element, label: str) -> None:
        for element in mantel.iterfind(_DC + "audience"):
            value = _text(element)
            if value not in AUDIENCES or not _scheme_ok(element, "Doelgroep"):
                self.add(label, "audience",
                         f"doelgroep '{value}' met scheme=\"{element.get('scheme', '')}"
                         "\" is niet toegestaan",
                         "gebruik alleen 'particulier' of 'ondernemer' met "
                         'scheme="overheid:Doelgroep" (veld audience van het product)',
                         element.sourceline)
        for element in mantel.iterfind(_DC + "abstract"):
            match = _HTML_RE.search(element.text or "")
            if match:
                self.add(label, "abstract-html",
                         f"de samenvatting bevat HTML ('{match.group(0)}')",
                         "schrijf 'summary' als platte tekst, zonder tags of "
                         "HTML-entiteiten", element.sourceline)

    def _scmeta(self, scmeta: etree._Element, label: str, line: int | None) -> None:
        pid_element = scmeta.find(_SC + "productID")
        pid = _text(pid_element)
        if pid and pid in self.seen_ids:
            self.problems.append(_duplicate_product_id(
                self.gemeente, label, pid, pid_element.sourceline))
        elif pid:
            self.seen_ids[pid] = label
        online = _text(scmeta.find(_SC + "onlineAanvragen"))
        url = scmeta.find(_SC + "aanvraagURL")
        target = url.get("resourceIdentifier", "").strip() if url is not None else ""
        if online in ("ja", "digid") and not target:
            self.add(label, "aanvraag-url",
                     f"onlineAanvragen is '{online}' maar aanvraagURL ontbreekt",
                     "vul application_url in bij het lokale product, of zet "
                     "onlineAanvragen op 'nee'", line)
        elif target and not _is_https_url(target):
            self.add(label, "aanvraag-url",
                     f"aanvraagURL '{target}' is geen volledige https-link",
                     "gebruik bij application_url een https://-link zonder spaties",
                     url.sourceline)
        names = scmeta.findall(_SC + "uniformeProductnaam")
        if not names:
            self.add(label, "upl", "geen uniformeProductnaam",
                     "geef het product ten minste één UPL-URI (veld upl)", line)
        for element in names:
            self._upl(element, label)

    def _upl(self, element: etree._Element, label: str) -> None:
        uri = element.get("resourceIdentifier", "").strip()
        text = _text(element)
        if not uri:
            self.add(label, "upl",
                     f"uniformeProductnaam '{text}' heeft geen resourceIdentifier",
                     "zet de URI uit content/reference/upl.csv in resourceIdentifier",
                     element.sourceline)
            return
        entry = self.upl.get(uri)
        if entry is None:
            close = difflib.get_close_matches(uri, list(self.upl), n=1)
            hint = f" (bedoelt u {close[0]}?)" if close else ""
            self.add(label, "upl", f"'{uri}' staat niet op de UPL{hint}",
                     "gebruik een URI uit content/reference/upl.csv (kolom URI)",
                     element.sourceline)
        elif text != entry.label:
            self.add(label, "upl-label",
                     f"label '{text}' hoort niet bij {uri}; de UPL zegt "
                     f"'{entry.label}'",
                     "neem het label precies over uit de UPL", element.sourceline)


def _products(root: etree._Element) -> Iterator[etree._Element]:
    return root.iterfind(_SC + "scproduct")


def validate_tree(tree: etree._ElementTree, catalogue: Catalogue) -> list[FeedProblem]:
    """All problems of an already parsed feed (XSD first, then the extra rules)."""
    root = tree.getroot()
    products = list(_products(root))
    owms = _owms(catalogue)
    gemeente = _gemeente_of(products, owms)
    labels = [_product_label(sc) for sc in products]
    problems = _xsd_problems(tree, products, labels, gemeente)
    if not products:
        problems.append(no_products(gemeente))
    checker = _Checker(catalogue, gemeente, owms)
    for sc, label in zip(products, labels, strict=True):
        checker.check(sc, label)
    return problems + checker.problems


def validate_feed(xml: bytes, catalogue: Catalogue) -> list[FeedProblem]:
    """Every problem in one feed, each naming gemeente, product, rule and fix.

    An empty list means overheid.nl can harvest the feed as it is.
    """
    try:
        tree = parse_xml(xml)
    except FeedReadError as exc:
        return [FeedProblem("", "", "xml", exc.message, exc.fix)]
    try:
        check_root(tree)
    except FeedReadError as exc:
        return [FeedProblem("", "", "root", exc.message, exc.fix)]
    return validate_tree(tree, catalogue)
