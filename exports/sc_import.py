"""Import a gemeente's existing SC 4.0 feed (its current PDC export) as local products.

A gemeente that joins brings its own catalogue: which products it offers, its
online application links and login level, its own titles. Each product in the
feed is matched to a national product (by our own productID, else by UPL URI)
and turned into a `LocalProduct`; the report says what matched, what did not and
why. Nothing is written unless asked (`write_import`), and then the gemeente's
whole `producten/` folder is replaced in one step, never half.

The feed is untrusted input: it is parsed by exports.xmlsafe (no DTD, no
entities, no network, size limit).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from samenloket.loader import Collector, _load_local_products
from samenloket.model import (
    LOCAL_TEXT_HEADING,
    SECTIONS,
    Catalogue,
    Gemeente,
    LocalProduct,
)
from samenloket.resolve import is_offered, profile_for
from samenloket.textfiles import TextFileError, parse_yaml

from .sc_validate import validate_tree
from .xmlsafe import MAX_FEED_BYTES, FeedReadError, check_root, parse_xml

_HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|&[a-zA-Z#0-9]+;")


@dataclass(frozen=True)
class FeedProduct:
    """What one scproduct in a feed says, whatever the feed's exact shape."""

    product_id: str
    identifier: str
    title: str
    abstract: str
    online_aanvragen: str
    aanvraag_url: str
    upl: tuple[tuple[str, str], ...]
    owms_uris: tuple[str, ...]
    line: int | None

    @property
    def label(self) -> str:
        pid = f"productID {self.product_id}" if self.product_id else "zonder productID"
        return f'"{self.title or "zonder titel"}" ({pid}, regel {self.line})'


@dataclass(frozen=True)
class Match:
    feed: FeedProduct
    slug: str
    via: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unmatched:
    feed: FeedProduct
    reason: str
    fix: str


@dataclass
class ImportResult:
    """The outcome of importing one feed for one gemeente (nothing written yet)."""

    gemeente: Gemeente
    feed_products: int
    matched: list[Match] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    not_in_feed: list[str] = field(default_factory=list)
    marked_not_offered: bool = False
    warnings: list[str] = field(default_factory=list)
    local_products: dict[str, LocalProduct] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)

    def format(self) -> str:
        g = self.gemeente
        lines = [f"SC-import voor {g.name} ({g.cbs_code}): "
                 f"{self.feed_products} product(en) in de feed"]
        lines += [f"  let op: {w}" for w in self.warnings]
        lines.append(f"gekoppeld: {len(self.matched)}")
        for m in self.matched:
            extra = "; ".join(m.notes)
            lines.append(f"  - {m.feed.label} → {m.slug} (via {m.via})"
                         + (f"; {extra}" if extra else ""))
        lines.append(f"niet gekoppeld: {len(self.unmatched)}")
        for u in self.unmatched:
            lines.append(f"  - {u.feed.label}: {u.reason}\n    oplossing: {u.fix}")
        if self.not_in_feed:
            what = ("worden op 'niet aangeboden' gezet" if self.marked_not_offered
                    else "blijven aangeboden; gebruik --absent-not-offered om ze op "
                    "'offered: false' te zetten")
            lines.append(f"landelijke producten die niet in de feed staan "
                         f"({len(self.not_in_feed)}, {what}):")
            lines += [f"  - {slug}" for slug in self.not_in_feed]
        lines.append(f"lokale bestanden nieuw of gewijzigd: {len(self.changed)}")
        lines += [f"  - producten/{slug}.md" for slug in self.changed]
        return "\n".join(lines)


# ---------------------------------------------------------------- reading


def read_feed_file(path: Path, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """The bytes of a feed file, refusing oversized files before reading them."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FeedReadError(
                f"{path} is {size / 1_048_576:.1f} MB; de grens is "
                f"{max_bytes / 1_048_576:.0f} MB",
                "controleer of u de juiste feed heeft",
            )
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise FeedReadError(f"kan {path} niet lezen: {exc.strerror}",
                            "controleer het pad naar de feed") from None


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _feed_product(sc: etree._Element) -> FeedProduct:
    meta = next((e for e in sc if _local(e) == "meta"), sc)
    found: dict[str, list[etree._Element]] = defaultdict(list)
    for element in meta.iter():
        found[_local(element)].append(element)

    def text(name: str) -> str:
        elements = found.get(name)
        return " ".join((elements[0].text or "").split()) if elements else ""

    url_el = (found.get("aanvraagURL") or [None])[0]
    url = ""
    if url_el is not None:
        url = (url_el.get("resourceIdentifier") or url_el.text or "").strip()
    upl = tuple(
        ((e.get("resourceIdentifier") or "").strip(), " ".join((e.text or "").split()))
        for e in found.get("uniformeProductnaam", [])
    )
    owms = tuple(
        (e.get("resourceIdentifier") or "").strip()
        for name in ("authority", "spatial", "creator") for e in found.get(name, [])
        if (e.get("resourceIdentifier") or "").strip()
    )
    return FeedProduct(
        product_id=text("productID"), identifier=text("identifier"),
        title=text("title"), abstract=text("abstract"),
        online_aanvragen=text("onlineAanvragen").lower(), aanvraag_url=url,
        upl=upl, owms_uris=owms, line=sc.sourceline,
    )


def read_feed(data: bytes, max_bytes: int = MAX_FEED_BYTES
              ) -> tuple[etree._ElementTree, list[FeedProduct]]:
    """Parse a feed safely into its products; FeedReadError says what is wrong."""
    tree = parse_xml(data, max_bytes)
    check_root(tree)
    products = [_feed_product(sc) for sc in tree.getroot()
                if _local(sc) == "scproduct"]
    if not products:
        raise FeedReadError("de feed bevat geen enkel <scproduct>",
                            "controleer of dit de volledige export is")
    return tree, products


# ---------------------------------------------------------------- matching


class _Matcher:
    def __init__(self, catalogue: Catalogue, cbs_code: str):
        self.catalogue = catalogue
        self.cbs_code = cbs_code
        self.by_label = {e.label.casefold(): uri for uri, e in catalogue.upl.items()}
        self.by_upl: dict[str, list[str]] = defaultdict(list)
        for slug in sorted(catalogue.products):
            for uri in catalogue.products[slug].upl:
                self.by_upl[uri].append(slug)
        self.pid_re = re.compile(rf"{re.escape(cbs_code)}-([a-z0-9]+(?:-[a-z0-9]+)*)")

    def uri(self, uri: str, label: str) -> str:
        """The URI as the UPL spells it (http, no trailing slash), else as given."""
        if not uri:
            return self.by_label.get(label.casefold(), "")
        for candidate in (uri, uri.rstrip("/")):
            for form in (candidate, "http://" + candidate.removeprefix("https://")):
                if form in self.catalogue.upl:
                    return form
        return uri

    def match(self, fp: FeedProduct) -> tuple[str | None, str, str]:
        """(slug, how, '') for a match, else (None, reason, fix)."""
        pid = self.pid_re.fullmatch(fp.product_id)
        if pid and pid.group(1) in self.catalogue.products:
            return pid.group(1), "productID", ""
        uris = [self.uri(uri, label) for uri, label in fp.upl]
        uris = [u for u in dict.fromkeys(uris) if u]
        if not uris:
            return None, "geen uniformeProductnaam met URI of bekend UPL-label", (
                "voeg in de feed de UPL-URI toe, of maak het lokale bestand met de "
                "hand")
        known = [u for u in uris if u in self.catalogue.upl]
        if not known:
            return None, f"UPL-URI {uris[0]} staat niet op de UPL", (
                "controleer de URI in de feed; is de UPL nieuwer, vernieuw dan "
                "content/reference/upl.csv met 'samenloket reference'")
        candidates = sorted({s for u in known for s in self.by_upl.get(u, [])})
        if not candidates:
            names = ", ".join(f"'{self.catalogue.upl[u].label}'" for u in known)
            return None, f"UPL {names} hoort bij geen landelijk product", (
                "vraag de landelijke redactie dit product toe te voegen, of laat het "
                "weg")
        if len(candidates) == 1:
            return candidates[0], f"UPL '{self.catalogue.upl[known[0]].label}'", ""
        narrowed = [
            s for s in candidates
            if self.catalogue.products[s].title.casefold() == fp.title.casefold()
            or fp.identifier.rstrip("/").rsplit("/", 1)[-1] == s
        ]
        if len(narrowed) == 1:
            return narrowed[0], "UPL en titel", ""
        return None, "meerdere kandidaten: " + ", ".join(candidates), (
            "geef het product in de feed de titel van een van deze landelijke "
            "producten, of maak het lokale bestand met de hand")


def _plain_summary(text: str) -> str | None:
    """The feed's abstract if it can be a local summary (plain text, 10-300 chars)."""
    if 10 <= len(text) <= 300 and not _HTML_RE.search(text):
        return text
    return None


def _local_from_feed(
    catalogue: Catalogue, slug: str, fp: FeedProduct, base: LocalProduct | None
) -> tuple[LocalProduct, list[str]]:
    national = catalogue.products[slug]
    data: dict[str, Any] = base.model_dump() if base else {"product": slug}
    data["offered"] = True
    notes: list[str] = []
    if fp.title:
        data["title"] = fp.title if fp.title != national.title else None
        if data["title"]:
            notes.append("eigen titel")
    if fp.abstract:
        summary = _plain_summary(fp.abstract)
        if summary is None:
            notes.append("samenvatting niet overgenomen (HTML of niet 10-300 tekens)")
        else:
            data["summary"] = summary if summary != national.summary else None
    online, url = fp.online_aanvragen, fp.aanvraag_url
    if online in ("ja", "digid"):
        if url.startswith("https://") and " " not in url:
            data["application_url"] = url
            if online == "digid":
                data["login"] = "digid"
            elif data.get("login") == "digid":
                data["login"] = None  # 'ja' means online without DigiD
            notes.append(f"aanvraaglink ({online})")
        else:
            notes.append("aanvraaglink ontbreekt of is geen https-link: "
                         "niet overgenomen")
    elif online == "nee":
        if data.get("application_url"):
            notes.append("aanvraaglink verwijderd: de feed zegt onlineAanvragen nee")
        data["application_url"] = None
    else:
        notes.append(f"onlineAanvragen '{online}' onbekend: aanvraaglink ongewijzigd")
    return LocalProduct.model_validate(data), notes


def import_feed(
    data: bytes, catalogue: Catalogue, cbs_code: str, *, mark_absent: bool = False
) -> ImportResult:
    """Match a gemeente's SC feed against the catalogue; nothing is written.

    mark_absent: national products the gemeente offers now but that are missing
    from the feed become `offered: false` (the feed lists everything offered).
    """
    if cbs_code not in catalogue.gemeenten:
        raise FeedReadError(f"onbekende gemeente {cbs_code}",
                            "gebruik een CBS-code uit content/reference/gemeenten.csv")
    gemeente = catalogue.gemeenten[cbs_code]
    tree, feed_products = read_feed(data)
    result = ImportResult(gemeente, len(feed_products), marked_not_offered=mark_absent)
    _check_owner(catalogue, gemeente, feed_products, result)
    problems = validate_tree(tree, catalogue)
    if problems:
        result.warnings.append(
            f"de feed voldoet niet helemaal aan SC 4.0 ({len(problems)} melding(en)), "
            f"bijvoorbeeld: {problems[0].message}"
        )
    existing = profile_for(catalogue, cbs_code).products
    matcher = _Matcher(catalogue, cbs_code)
    claimed: dict[str, FeedProduct] = {}
    new: dict[str, LocalProduct] = {}
    for fp in feed_products:
        slug, how, fix = matcher.match(fp)
        if slug is None:
            result.unmatched.append(Unmatched(fp, how, fix))
        elif slug in claimed:
            result.unmatched.append(Unmatched(
                fp, f"{slug} is al gekoppeld aan {claimed[slug].label}",
                "haal het dubbele product uit de feed of voeg de twee samen"))
        else:
            claimed[slug] = fp
            local, notes = _local_from_feed(catalogue, slug, fp, existing.get(slug))
            result.matched.append(Match(fp, slug, how, tuple(notes)))
            new[slug] = local
    for slug in sorted(catalogue.products):
        if slug not in claimed and is_offered(catalogue, cbs_code, slug):
            result.not_in_feed.append(slug)
            if mark_absent:
                base = existing.get(slug)
                new[slug] = (base.model_copy(update={"offered": False}) if base
                             else LocalProduct(product=slug, offered=False))
    final = dict(existing)
    for slug, local in new.items():
        inherits = local == LocalProduct(product=slug, offered=True)
        default = catalogue.products[slug].default_offered
        if slug not in existing and inherits and default:
            continue  # nothing local to say: no file needed
        final[slug] = local
    result.local_products = dict(sorted(final.items()))
    result.changed = [s for s in result.local_products if existing.get(s) != final[s]]
    return result


def _check_owner(catalogue: Catalogue, gemeente: Gemeente,
                 feed_products: list[FeedProduct], result: ImportResult) -> None:
    uris = {u for fp in feed_products for u in fp.owms_uris}
    if gemeente.owms_uri in uris:
        return
    others = sorted(g.name for g in catalogue.gemeenten.values() if g.owms_uri in uris)
    if others:
        raise FeedReadError(
            f"deze feed is van {', '.join(others)}, niet van {gemeente.name}",
            "controleer --gemeente en het bestand",
        )
    result.warnings.append("de feed noemt de gemeente niet (authority/spatial); "
                           f"aangenomen dat hij van {gemeente.name} is")


def apply_import(catalogue: Catalogue, result: ImportResult) -> Catalogue:
    """The catalogue as it would be after writing the import (for previews/tests)."""
    code = result.gemeente.cbs_code
    profile = profile_for(catalogue, code).model_copy(
        update={"products": result.local_products})
    return catalogue.model_copy(
        update={"profiles": {**catalogue.profiles, code: profile}})


# ---------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", f"{v:.2f}"))


def local_product_markdown(local: LocalProduct) -> str:
    """A local product file in the content format (content/README.md)."""
    data: dict[str, Any] = {"offered": local.offered}
    if local.example:
        data["example"] = True
    for key in ("title", "summary"):
        if getattr(local, key) is not None:
            data[key] = getattr(local, key)
    if local.fees is not None:
        fees: dict[str, Any] = {}
        if local.fees.set_by != "gemeente":
            fees["set_by"] = local.fees.set_by
        if local.fees.year is not None:
            fees["year"] = local.fees.year
        if local.fees.items:
            fees["items"] = [{"label": i.label, "amount": i.amount}
                             for i in local.fees.items]
        data["fees"] = fees
    for key in ("delivery_time", "application_url", "login"):
        if getattr(local, key) is not None:
            data[key] = getattr(local, key)
    front = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                      default_flow_style=False, width=10_000)
    parts = ["---\n", front, "---\n"]
    for key, heading in SECTIONS:
        if key in local.sections:
            parts.append(f"\n## {heading}\n\n{local.sections[key].strip()}\n")
    if local.local_text:
        parts.append(f"\n## {LOCAL_TEXT_HEADING}\n\n{local.local_text.strip()}\n")
    return "".join(parts)


def find_gemeente_folder(content_dir: Path, cbs_code: str) -> Path | None:
    """The folder under content/gemeenten/ whose gemeente.yaml has this CBS code."""
    for path in sorted((content_dir / "gemeenten").glob("*/gemeente.yaml")):
        try:
            data = parse_yaml(path.read_text(encoding="utf-8")).data
        except (OSError, UnicodeDecodeError, TextFileError):
            continue
        if isinstance(data, dict) and str(data.get("cbs_code", "")).upper() == cbs_code:
            return path.parent
    return None


def _verify(folder: Path, content_dir: Path, expected: dict[str, LocalProduct]) -> None:
    """Read the staged files back with the real loader before anything is moved."""
    errors = Collector(content_dir)
    loaded = _load_local_products(folder, errors)
    if errors.errors or loaded != expected:
        detail = "; ".join(e.format() for e in errors.errors) or "inhoud wijkt af"
        raise FeedReadError(f"de geschreven bestanden lezen niet goed terug: {detail}",
                            "meld dit als fout in sc-import; er is niets gewijzigd")


def write_import(result: ImportResult, content_dir: Path) -> list[Path]:
    """Write the changed local product files; the whole set appears at once.

    The new producten/ folder is built and verified in a staging folder inside
    content/, then swapped in with renames; on any error nothing changes.
    """
    if not result.changed:
        return []
    content_dir = Path(content_dir)
    gemeente = result.gemeente
    folder = find_gemeente_folder(content_dir, gemeente.cbs_code)
    staging = Path(tempfile.mkdtemp(dir=content_dir, prefix=".sc-import-"))
    staging.chmod(0o755)  # mkdtemp makes it 0700; it may become the gemeente folder
    try:
        if folder is None:
            folder = content_dir / "gemeenten" / gemeente.slug
            if folder.exists():
                raise FeedReadError(
                    f"map {folder} bestaat al maar hoort niet bij {gemeente.cbs_code}",
                    "controleer cbs_code in die map/gemeente.yaml")
            (staging / "gemeente.yaml").write_text(
                f"cbs_code: {gemeente.cbs_code}\n", encoding="utf-8")
            new_products = staging / "producten"
            new_products.mkdir()
        else:
            new_products = staging / "producten"
            if (folder / "producten").is_dir():
                shutil.copytree(folder / "producten", new_products)
            else:
                new_products.mkdir()
        written = []
        for slug in result.changed:
            path = new_products / f"{slug}.md"
            path.write_text(local_product_markdown(result.local_products[slug]),
                            encoding="utf-8")
            written.append(folder / "producten" / path.name)
        _verify(new_products, content_dir, result.local_products)
        if not folder.exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging, folder)
            return written
        _swap(new_products, folder / "producten", staging)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(new: Path, target: Path, staging: Path) -> None:
    """Replace target by new with two renames; put the old one back on failure."""
    old = staging / "old-producten"
    had_old = target.exists()
    if had_old:
        os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        if had_old:
            os.rename(old, target)
        raise
