"""Load `content/` into a validated Catalogue, reporting every error in one pass.

Each file is parsed with line numbers, checked against the model, then the whole
catalogue is cross-checked (UPL URIs on the UPL, steps pointing at real products,
overrides for real products and gemeenten). Nothing is returned unless everything
is valid: callers never see a partial catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .crosscheck import crosscheck
from .errors import ContentError, ContentErrors, display_path
from .model import (
    LOCAL_TEXT_HEADING,
    SECTION_HEADINGS,
    SECTION_KEYS,
    SLUG_RE,
    Catalogue,
    Gemeente,
    GemeenteProfile,
    LifeEvent,
    LocalProduct,
    NewsItem,
    Product,
    Settings,
    UplEntry,
)
from .reference import ReferenceError, load_gemeenten, load_upl
from .textfiles import (
    Located,
    TextFileError,
    parse_pelican_metadata,
    parse_yaml,
    split_front_matter,
    split_sections,
)

HEADING_KEYS = {heading.lower(): key for key, heading in SECTION_HEADINGS.items()}
MAX_FILE_BYTES = 1_000_000
_HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>")
_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]*)")

_DUTCH = {
    "missing": ("verplicht veld ontbreekt", "vul dit veld in"),
    "extra_forbidden": ("onbekend veld", "verwijder het of controleer de spelling"),
    "string_too_short": ("tekst is te kort", ""),
    "string_too_long": ("tekst is te lang", "maak de tekst korter"),
    "too_short": ("te weinig items", ""),
    "too_long": ("te veel items", ""),
    "string_type": ("moet tekst zijn", "zet de waarde tussen aanhalingstekens"),
    "bool_parsing": ("moet true of false zijn", ""),
    "bool_type": ("moet true of false zijn", ""),
    "int_parsing": ("moet een geheel getal zijn", ""),
    "int_type": ("moet een geheel getal zijn", ""),
    "decimal_parsing": ("moet een bedrag zijn, zoals 12.50", ""),
    "date_from_datetime_parsing": ("moet een datum zijn (JJJJ-MM-DD)", ""),
    "date_parsing": ("moet een datum zijn (JJJJ-MM-DD)", ""),
    "date_type": ("moet een datum zijn (JJJJ-MM-DD)", ""),
    "tuple_type": ("moet een lijst zijn", "schrijf [a, b] of een lijst met '- '"),
    "list_type": ("moet een lijst zijn", "schrijf [a, b] of een lijst met '- '"),
    "dict_type": ("moet een groep velden zijn", ""),
    "model_type": ("moet een groep velden zijn", ""),
    "model_attributes_type": ("moet een groep velden zijn", ""),
    "string_pattern_mismatch": ("heeft niet de juiste vorm", ""),
    "greater_than_equal": ("is te klein", ""),
    "less_than_equal": ("is te groot", ""),
    "decimal_max_places": ("te veel cijfers achter de komma", "gebruik centen: 12.50"),
}


class Collector:
    """Collects errors for one content tree, with editor-facing paths."""

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self.errors: list[ContentError] = []
        # (kind, key) -> (file, parsed data with lines), for cross-file checks
        self.sources: dict[tuple[str, str], tuple[Path, Located]] = {}

    def add(
        self, path: Path, line: int | None, field: str, message: str, fix: str = ""
    ) -> None:
        self.errors.append(
            ContentError(
                display_path(path, self.content_dir), line, field, message, fix
            )
        )

    def validation(self, path: Path, exc: ValidationError, located: Located) -> None:
        raw = exc.errors(include_url=False)
        deeper = {tuple(e["loc"][:n]) for e in raw for n in range(len(e["loc"]))}
        for error in raw:
            if error["type"] == "too_short" and tuple(error["loc"]) in deeper:
                continue  # the list is short only because an item in it failed
            loc = _without_tags(tuple(error["loc"]))
            field = ".".join(str(part) for part in loc)
            kind = error["type"]
            message, fix = _DUTCH.get(kind, ("", ""))
            detail = str(error.get("msg", ""))
            if kind == "value_error":  # our validators write "message|fix"
                message, _, fix = detail.removeprefix("Value error, ").partition("|")
            elif kind == "literal_error":
                expected = str(error.get("ctx", {}).get("expected", ""))
                message, fix = "ongeldige waarde", f"kies uit {expected}"
            elif not message:
                message = detail
            if kind == "extra_forbidden":
                message = f"onbekend veld '{loc[-1] if loc else ''}'"
            self.add(path, located.line_of(loc), field, message, fix)


_UNION_TAGS = {"product", "organisation"}


def _without_tags(loc: tuple) -> tuple:
    """Drop pydantic's union tags ('organisation' after 'items', 3) from a location."""
    result: list = []
    for part in loc:
        if (
            part in _UNION_TAGS
            and len(result) >= 2
            and isinstance(result[-1], int)
            and result[-2] == "items"
        ):
            continue
        result.append(part)
    return tuple(result)


def _read(path: Path, errors: Collector) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            errors.add(
                path, None, "", "bestand is groter dan 1 MB", "splits het bestand"
            )
            return None
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.add(
            path,
            None,
            "",
            f"geen UTF-8-tekst ({exc.reason})",
            "sla het bestand op als UTF-8",
        )
    except OSError as exc:
        errors.add(path, None, "", f"kan bestand niet lezen: {exc.strerror}")
    return None


def _front_matter(path: Path, errors: Collector) -> tuple[Located, str, int] | None:
    text = _read(path, errors)
    if text is None:
        return None
    try:
        yaml_text, body, body_line = split_front_matter(text)
        located = parse_yaml(yaml_text, first_line=2)
    except TextFileError as exc:
        errors.add(path, exc.line, "", exc.message, exc.fix)
        return None
    if not isinstance(located.data, dict):
        errors.add(
            path, 2, "", "de gegevens bovenaan moeten velden zijn (naam: waarde)"
        )
        return None
    return located, body, body_line


def _check_markdown(path: Path, text: str, first_line: int, errors: Collector) -> None:
    """No raw HTML, and links only to https or to a path on the own site."""
    for offset, line in enumerate(text.splitlines()):
        if _HTML_RE.search(line):
            errors.add(
                path,
                first_line + offset,
                "tekst",
                "HTML is niet toegestaan",
                "gebruik Markdown: **vet**, lijsten, [tekst](https://…)",
            )
        for target in _LINK_RE.findall(line):
            if not (
                target.startswith("https://")
                or target.startswith("/")
                or target.startswith("mailto:")
                or target.startswith("tel:")
            ):
                errors.add(
                    path,
                    first_line + offset,
                    "tekst",
                    f"link '{target}' is niet toegestaan",
                    "gebruik een https://-link of een pad zoals /producten/…/",
                )


def _sections(
    path: Path,
    body: str,
    body_line: int,
    located: Located,
    errors: Collector,
    *,
    local: bool,
) -> tuple[dict[str, str], str | None, str]:
    """Map '## Heading' blocks to section keys, recording their lines."""
    intro, blocks = split_sections(body, body_line)
    sections: dict[str, str] = {}
    local_text: str | None = None
    seen_order: list[int] = []
    for block in blocks:
        _check_markdown(path, block.text, block.line + 1, errors)
        if local and block.heading.lower() == LOCAL_TEXT_HEADING.lower():
            local_text = block.text
            continue
        key = HEADING_KEYS.get(block.heading.lower())
        if key is None:
            allowed = ", ".join(SECTION_HEADINGS.values())
            if local:
                allowed += ", " + LOCAL_TEXT_HEADING
            errors.add(
                path,
                block.line,
                "tekst",
                f"onbekende kop '## {block.heading}'",
                f"gebruik alleen: {allowed} (tussenkoppen met ###)",
            )
            continue
        if key in sections:
            errors.add(
                path,
                block.line,
                "tekst",
                f"kop '## {block.heading}' staat er twee keer",
                "voeg de twee onderdelen samen",
            )
            continue
        seen_order.append(SECTION_KEYS.index(key))
        sections[key] = block.text
        located.lines[("sections", key)] = block.line
    if seen_order != sorted(seen_order):
        errors.add(
            path,
            body_line,
            "tekst",
            "de koppen staan niet in de vaste volgorde",
            "volgorde: " + ", ".join(SECTION_HEADINGS.values()),
        )
    located.lines.setdefault(("sections",), body_line)
    return sections, local_text, intro


def _validate(
    model: type[BaseModel], data: dict, path: Path, located: Located, errors: Collector
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.validation(path, exc, located)
        return None


def _slug_of(path: Path, errors: Collector) -> str | None:
    slug = path.stem
    if not SLUG_RE.match(slug):
        errors.add(
            path,
            None,
            "bestandsnaam",
            f"'{path.name}' is geen geldige slug",
            "gebruik kleine letters, cijfers en streepjes, zoals paspoort-aanvragen.md",
        )
        return None
    return slug


def _load_products(content_dir: Path, errors: Collector) -> dict[str, Product]:
    products: dict[str, Product] = {}
    for path in sorted((content_dir / "producten").glob("*.md")):
        slug = _slug_of(path, errors)
        parsed = _front_matter(path, errors)
        if slug is None or parsed is None:
            continue
        located, body, body_line = parsed
        if "slug" in located.data or "sections" in located.data:
            errors.add(
                path,
                2,
                "",
                "'slug' en 'sections' komen uit de bestandsnaam en de koppen",
                "verwijder ze uit de gegevens bovenaan",
            )
            continue
        sections, _, intro = _sections(
            path, body, body_line, located, errors, local=False
        )
        if intro:
            errors.add(
                path,
                body_line,
                "tekst",
                "tekst vóór de eerste kop",
                "zet alle tekst onder een van de vaste ## koppen",
            )
        product = _validate(
            Product,
            {**located.data, "slug": slug, "sections": sections},
            path,
            located,
            errors,
        )
        if product is not None:
            products[slug] = product
            errors.sources[("product", slug)] = (path, located)
    return products


def _load_life_events(content_dir: Path, errors: Collector) -> dict[str, LifeEvent]:
    events: dict[str, LifeEvent] = {}
    for path in sorted((content_dir / "levensgebeurtenissen").glob("*.md")):
        slug = _slug_of(path, errors)
        parsed = _front_matter(path, errors)
        if slug is None or parsed is None:
            continue
        located, body, body_line = parsed
        _check_markdown(path, body, body_line, errors)
        for key in ("slug", "intro"):
            if key in located.data:
                errors.add(
                    path,
                    located.line_of((key,)),
                    key,
                    f"'{key}' komt uit de bestandsnaam of de tekst",
                    f"verwijder '{key}'",
                )
        event = _validate(
            LifeEvent,
            {**located.data, "slug": slug, "intro": body.strip()},
            path,
            located,
            errors,
        )
        if event is not None:
            events[slug] = event
            errors.sources[("life_event", slug)] = (path, located)
    return events


def _load_news(folder: Path, errors: Collector) -> list[NewsItem]:
    items: list[NewsItem] = []
    for path in sorted(folder.glob("*.md")):
        text = _read(path, errors)
        slug = _slug_of(path, errors)
        if text is None or slug is None:
            continue
        try:
            meta, body, body_line = parse_pelican_metadata(text)
        except TextFileError as exc:
            errors.add(path, exc.line, "", exc.message, exc.fix)
            continue
        unknown = sorted(set(meta) - {"title", "date", "summary"})
        for key in unknown:
            errors.add(
                path,
                meta[key][1],
                key,
                f"onbekend gegeven '{key}'",
                "gebruik alleen Title:, Date: en Summary:",
            )
        _check_markdown(path, body, body_line, errors)
        located = Located(
            {k: v for k, (v, _) in meta.items()},
            {(k,): line for k, (_, line) in meta.items()},
        )
        located.lines[("body",)] = body_line
        data = {k: v for k, (v, _) in meta.items() if k not in unknown}
        item = _validate(
            NewsItem, {**data, "slug": slug, "body": body}, path, located, errors
        )
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda n: (n.date, n.slug), reverse=True)


def _load_local_products(folder: Path, errors: Collector) -> dict[str, LocalProduct]:
    result: dict[str, LocalProduct] = {}
    for path in sorted(folder.glob("*.md")):
        slug = _slug_of(path, errors)
        parsed = _front_matter(path, errors)
        if slug is None or parsed is None:
            continue
        located, body, body_line = parsed
        sections, local_text, intro = _sections(
            path, body, body_line, located, errors, local=True
        )
        if intro:
            errors.add(
                path,
                body_line,
                "tekst",
                "tekst vóór de eerste kop",
                f"zet lokale tekst onder '## {LOCAL_TEXT_HEADING}'",
            )
        data = {**located.data, "product": slug, "sections": sections}
        if local_text:
            data["local_text"] = local_text
        local = _validate(LocalProduct, data, path, located, errors)
        if local is not None:
            result[slug] = local
            errors.sources[("local", f"{folder.parent.name}/{slug}")] = (path, located)
    return result


def _load_profiles(content_dir: Path, errors: Collector) -> dict[str, GemeenteProfile]:
    profiles: dict[str, GemeenteProfile] = {}
    root = content_dir / "gemeenten"
    for folder in sorted(p for p in root.glob("*") if p.is_dir()):
        path = folder / "gemeente.yaml"
        if not path.exists():
            errors.add(
                folder,
                None,
                "",
                "map zonder gemeente.yaml",
                "voeg gemeente.yaml toe met ten minste cbs_code",
            )
            continue
        text = _read(path, errors)
        if text is None:
            continue
        try:
            located = parse_yaml(text)
        except TextFileError as exc:
            errors.add(path, exc.line, "", exc.message, exc.fix)
            continue
        if not isinstance(located.data, dict):
            errors.add(path, 1, "", "gemeente.yaml moet velden bevatten (naam: waarde)")
            continue
        data = dict(located.data)
        for key in ("welcome", "welcome_title", "news", "products"):
            if key in data:
                errors.add(
                    path,
                    located.line_of((key,)),
                    key,
                    f"'{key}' hoort niet in gemeente.yaml",
                    "zet dit in home.md, nieuws/ of producten/",
                )
                data.pop(key)
        home = folder / "home.md"
        if home.exists():
            parsed = _front_matter(home, errors)
            if parsed is not None:
                home_meta, body, body_line = parsed
                _check_markdown(home, body, body_line, errors)
                extra = sorted(set(home_meta.data) - {"title"})
                for key in extra:
                    errors.add(
                        home,
                        home_meta.line_of((key,)),
                        key,
                        f"onbekend veld '{key}'",
                        "home.md kent alleen 'title'",
                    )
                data["welcome_title"] = home_meta.data.get("title")
                data["welcome"] = body.strip()
        data["news"] = _load_news(folder / "nieuws", errors)
        data["products"] = _load_local_products(folder / "producten", errors)
        profile = _validate(GemeenteProfile, data, path, located, errors)
        if profile is None:
            continue
        if profile.cbs_code in profiles:
            errors.add(
                path,
                located.line_of(("cbs_code",)),
                "cbs_code",
                f"{profile.cbs_code} heeft al een map",
                "houd één map per gemeente",
            )
            continue
        profiles[profile.cbs_code] = profile
        errors.sources[("gemeente", profile.cbs_code)] = (path, located)
    return profiles


def _load_settings(content_dir: Path, errors: Collector) -> Settings:
    path = content_dir / "catalogus.yaml"
    if not path.exists():
        return Settings()
    text = _read(path, errors)
    try:
        located = parse_yaml(text or "")
    except TextFileError as exc:
        errors.add(path, exc.line, "", exc.message, exc.fix)
        return Settings()
    if not isinstance(located.data, dict):
        errors.add(path, 1, "", "catalogus.yaml moet velden bevatten")
        return Settings()
    return _validate(Settings, located.data, path, located, errors) or Settings()


def load_catalogue(content_dir: Path, themes_dir: Path | None = None) -> Catalogue:
    """Load and validate everything under content_dir, or raise ContentErrors."""
    content_dir = Path(content_dir)
    errors = Collector(content_dir)
    if not content_dir.is_dir():
        raise ContentErrors(
            [
                ContentError(
                    str(content_dir),
                    None,
                    "",
                    "map met content bestaat niet",
                    "geef de juiste map op met --content",
                )
            ]
        )
    settings = _load_settings(content_dir, errors)
    reference = content_dir / "reference"
    upl: dict[str, UplEntry] = {}
    gemeenten: dict[str, Gemeente] = {}
    try:
        upl = load_upl(reference)
        gemeenten = load_gemeenten(reference)
    except (ReferenceError, OSError, KeyError, ValidationError) as exc:
        errors.add(
            reference,
            None,
            "reference",
            f"referentielijst onbruikbaar: {exc}",
            "vernieuw de lijst met 'samenloket reference'",
        )
    products = _load_products(content_dir, errors)
    life_events = _load_life_events(content_dir, errors)
    profiles = _load_profiles(content_dir, errors)
    product_files = {p.stem for p in (content_dir / "producten").glob("*.md")}
    crosscheck(
        products,
        life_events,
        profiles,
        upl,
        gemeenten,
        errors,
        themes_dir,
        product_files,
    )
    if errors.errors:
        raise ContentErrors(errors.errors)
    return Catalogue(
        settings=settings,
        products=products,
        life_events=life_events,
        gemeenten=gemeenten,
        profiles=profiles,
        upl=upl,
    )
