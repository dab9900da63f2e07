"""Parse XML that may come from anywhere (a gemeente's old PDC export) safely.

An SC feed is plain XML: it never needs a DTD, entities or network access. So the
parser loads no DTD, resolves no entities, never touches the network, keeps
libxml2's size limits (no huge_tree), and any DOCTYPE at all is refused. This
blocks XXE (external entities reading local files or URLs) and entity-expansion
bombs ("billion laughs") before they can do harm.
"""

from __future__ import annotations

import re

from lxml import etree

from .sc_feed import SC_NS

MAX_FEED_BYTES = 20 * 1024 * 1024
_DOCTYPE_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT_RE = re.compile(rb"<[A-Za-z_]")


class FeedReadError(ValueError):
    """A feed that cannot be read safely or is not SC 4.0; nothing was imported."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message + (f" — oplossing: {fix}" if fix else ""))
        self.message = message
        self.fix = fix


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False,
        dtd_validation=False, huge_tree=False, remove_blank_text=False,
    )


def parse_xml(data: bytes, max_bytes: int = MAX_FEED_BYTES) -> etree._ElementTree:
    """Parse bytes into a tree, or raise FeedReadError saying what is wrong."""
    if not isinstance(data, bytes):
        raise TypeError("parse_xml verwacht bytes")
    if len(data) > max_bytes:
        raise FeedReadError(
            f"het bestand is {len(data) / 1_048_576:.1f} MB; de grens is "
            f"{max_bytes / 1_048_576:.0f} MB",
            "controleer of u de juiste feed heeft; een SC-feed van één gemeente "
            "is veel kleiner",
        )
    if not data.strip():
        raise FeedReadError("het bestand is leeg", "geef een SC 4.0-feed (XML) op")
    # A DOCTYPE can only stand before the first element; look there, so escaped or
    # CDATA text that mentions <!DOCTYPE html> further on is no problem.
    first = _FIRST_ELEMENT_RE.search(data)
    prolog = data[: first.start()] if first else data
    if _DOCTYPE_RE.search(prolog):
        raise _doctype_error()
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = f" (regel {exc.lineno})" if exc.lineno else ""
        raise FeedReadError(
            f"geen geldige XML{line}: {exc.msg}",
            "open het bestand in een XML-editor en herstel de fout, of vraag de "
            "leverancier om een nieuwe export",
        ) from None
    tree = root.getroottree()
    # Catches a DOCTYPE the byte check cannot see (e.g. in UTF-16).
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype_error()
    return tree


def _doctype_error() -> FeedReadError:
    return FeedReadError(
        "het bestand bevat een DOCTYPE of ENTITY-declaratie; die zijn om "
        "veiligheidsredenen niet toegestaan",
        "een SC 4.0-feed heeft geen DOCTYPE nodig: verwijder de regel <!DOCTYPE …> "
        "en de entiteiten",
    )


def check_root(tree: etree._ElementTree) -> None:
    """Raise FeedReadError unless the root is SC 4.0's `scproducten`."""
    root = tree.getroot()
    qname = etree.QName(root)
    if qname.localname != "scproducten":
        raise FeedReadError(
            f"het hoofdelement is <{qname.localname}>, niet <scproducten>",
            "geef een SC 4.0-feed op; die begint met <scproducten "
            f'xmlns="{SC_NS}">',
        )
    if qname.namespace != SC_NS:
        found = qname.namespace or "geen namespace"
        raise FeedReadError(
            f"<scproducten> heeft namespace '{found}', niet '{SC_NS}'",
            "SC 4.0 gebruikt de namespace " + SC_NS + "; oudere versies (SC 3) "
            "kunt u niet importeren",
        )
