"""Write a Catalogue back to content files: the inverse of the loader.

The output is the canonical form of the content tree: YAML front matter plus
Markdown sections exactly as content/README.md describes, in a fixed key order and
quoting style, so the same catalogue always gives the same bytes. `samenloket fmt`,
the CMS export and its round-trip tests all rely on that.

Canonical choices (where the loader accepts several spellings):
- keys in README order; fields left out when they hold their default
  (`appointment: false`, `default_offered: true`, `example: false`, empty lists);
- optional text that is empty is left out (the loader then gives None, which every
  reader treats the same as an empty string);
- lists of words (audience, channels, related, synonyms) in flow style `[a, b]`,
  lists of URIs, slugs and records in block style, opening hours as `{day: …}`;
- strings plain unless YAML would read them differently; digits-only values such as
  phone numbers and times in double quotes; multi-line text as a `|-` block;
- amounts with two decimals (`82.30`), as the README writes them.

Every YAML document is parsed again before it is returned, so the writer can never
produce a file the loader would read differently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .model import (
    LOCAL_TEXT_HEADING,
    SECTION_HEADINGS,
    SECTION_KEYS,
    Catalogue,
    ExternalStep,
    Fees,
    Gemeente,
    GemeenteProfile,
    LifeEvent,
    LocalProduct,
    NewsItem,
    Product,
    ProductStep,
    Settings,
)
from .reference import write_atomic

try:  # same loader as textfiles.py, so quoting is judged by the reader's rules
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

CATALOGUE_FILE = "catalogus.yaml"
_NUMERIC_LOOKING = re.compile(r"[\d\s:.,+\-/()]+")
_FLOW_UNSAFE = set(",[]{}")
# Characters PyYAML treats as line breaks or refuses in plain/double-quoted text.
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class WriterError(ValueError):
    """A value that cannot be written as content text (names the field)."""


class Flow(list):
    """A list written in flow style: `[a, b]`."""


class FlowMap(dict):
    """A mapping written in flow style: `{day: maandag, open: "09:00"}`."""


# ---------------------------------------------------------------- YAML emitter


def _loads(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def _quoted(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _string(value: str, *, flow: bool) -> str:
    """Plain when YAML reads it back as the same string, else double-quoted."""
    plain_ok = (
        value != ""
        and value == value.strip()
        and "\n" not in value
        and "\t" not in value
        and not _NEEDS_ESCAPE.search(value)
        and not _NUMERIC_LOOKING.fullmatch(value)
        and not (flow and _FLOW_UNSAFE & set(value))
    )
    if plain_ok:
        probe = f"k: [{value}]" if flow else f"k: {value}"
        try:
            loaded = _loads(probe)
        except yaml.YAMLError:
            loaded = None
        expected = [value] if flow else value
        if isinstance(loaded, dict) and loaded.get("k") == expected:
            return value
    return _quoted(value)


def _scalar(value: Any, *, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value, flow=flow)
    raise WriterError(f"kan waarde {value!r} niet als YAML schrijven")


def _literal_ok(value: str) -> bool:
    lines = value.split("\n")
    return (
        len(lines) > 1
        and value == value.strip()
        and not _NEEDS_ESCAPE.search(value)
        and "\t" not in value
        and "\r" not in value
        and all(line == line.rstrip() for line in lines)
    )


def _value_lines(prefix: str, value: Any, indent: int) -> list[str]:
    """`prefix value` for a scalar, or a `|-` block for multi-line text."""
    if isinstance(value, str) and _literal_ok(value):
        pad = " " * (indent + 2)
        lines = [pad + line if line else "" for line in value.split("\n")]
        return [f"{prefix} |-", *lines]
    return [f"{prefix} {_scalar(value)}"]


def _flow(value: list | dict) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {_scalar(v, flow=True)}" for k, v in value.items())
        return "{" + inner + "}"
    return "[" + ", ".join(_scalar(v, flow=True) for v in value) + "]"


def _mapping_lines(mapping: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, Flow | FlowMap):
            lines.append(f"{pad}{key}: {_flow(value)}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _mapping_lines(value, indent + 2)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            lines += _sequence_lines(value, indent + 2)
        else:
            lines += _value_lines(f"{pad}{key}:", value, indent)
    return lines


def _sequence_lines(items: list[Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, FlowMap):
            lines.append(f"{pad}- {_flow(item)}")
        elif isinstance(item, dict):
            sub = _mapping_lines(item, indent + 2)
            sub[0] = f"{pad}- {sub[0][indent + 2 :]}"
            lines += sub
        elif isinstance(item, str) and "\n" in item:
            lines.append(f"{pad}- {_quoted(item)}")
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def _plain(value: Any) -> Any:
    """What the YAML loader should give back for value (for the self-check)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(f"{value:.2f}")
    return value


def dump_yaml(data: dict[str, Any], where: str = "") -> str:
    """Canonical YAML for data (insertion order kept), verified by parsing it back."""
    text = "\n".join(_mapping_lines(data, 0)) + "\n" if data else ""
    loaded = _loads(text) if text else None
    if (loaded or {}) != _plain(data):
        raise WriterError(f"{where}: YAML leest anders terug dan geschreven")
    return text


# ---------------------------------------------------------------- data → YAML


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != "" and v != []}


def _fees(fees: Fees, *, local: bool = False) -> dict[str, Any]:
    # Local amounts are the gemeente's own: 'set_by: gemeente' is implied there.
    set_by = None if local and fees.set_by == "gemeente" else fees.set_by
    data = _drop_empty(
        {
            "set_by": set_by,
            "year": fees.year,
            "items": [{"label": i.label, "amount": i.amount} for i in fees.items],
        }
    )
    return data or FlowMap()  # `fees: {}`: own (empty) fees, not inherited


def _links(links: Iterable[Any]) -> list[dict[str, str]]:
    return [{"label": link.label, "url": link.url} for link in links]


def _front_matter(data: dict[str, Any], where: str) -> str:
    return "---\n" + dump_yaml(data, where) + "---\n"


def _sections_body(blocks: list[tuple[str, str]]) -> str:
    parts = [
        f"## {heading}\n\n{text}" if text else f"## {heading}"
        for heading, text in blocks
    ]
    return "\n" + "\n\n".join(parts) + "\n" if parts else ""


def product_data(product: Product) -> dict[str, Any]:
    """Front matter of a national product, in README order."""
    authority: Any = product.authority
    if not isinstance(authority, str):
        authority = {"name": authority.name, "url": authority.url}
    return _drop_empty(
        {
            "title": product.title,
            "summary": product.summary,
            "upl": list(product.upl),
            "audience": Flow(product.audience),
            "authority": authority,
            "legal_basis": _links(product.legal_basis),
            "channels": Flow(product.channels),
            "appointment": True if product.appointment else None,
            "online_aanvragen": product.online_aanvragen,
            "fees": _fees(product.fees),
            "delivery_time": product.delivery_time,
            "related": Flow(product.related) if product.related else None,
            "synonyms": Flow(product.synonyms) if product.synonyms else None,
            "default_offered": None if product.default_offered else False,
        }
    )


def render_product(product: Product) -> str:
    """producten/<slug>.md"""
    where = f"producten/{product.slug}.md"
    blocks = [(SECTION_HEADINGS[k], product.sections[k]) for k in SECTION_KEYS]
    return _front_matter(product_data(product), where) + _sections_body(blocks)


def _step_item(item: ProductStep | ExternalStep) -> dict[str, Any]:
    if isinstance(item, ProductStep):
        return _drop_empty({"product": item.product, "text": item.text})
    return _drop_empty(
        {
            "organisation": item.organisation,
            "title": item.title,
            "url": item.url,
            "text": item.text,
        }
    )


def life_event_data(event: LifeEvent) -> dict[str, Any]:
    steps = []
    for step in event.steps:
        # 'choice' only means something with two or more items (README).
        choice = step.choice if len(step.items) > 1 else None
        steps.append(
            _drop_empty(
                {
                    "title": step.title,
                    "choice": choice,
                    "items": [_step_item(item) for item in step.items],
                }
            )
        )
    return {
        "title": event.title,
        "summary": event.summary,
        "audience": Flow(event.audience),
        "order": event.order,
        "steps": steps,
    }


def render_life_event(event: LifeEvent) -> str:
    """levensgebeurtenissen/<slug>.md"""
    where = f"levensgebeurtenissen/{event.slug}.md"
    intro = f"\n{event.intro}\n" if event.intro else ""
    return _front_matter(life_event_data(event), where) + intro


def local_product_data(local: LocalProduct) -> dict[str, Any]:
    return _drop_empty(
        {
            "offered": local.offered,
            "example": True if local.example else None,
            "title": local.title,
            "summary": local.summary,
            "fees": _fees(local.fees, local=True) if local.fees is not None else None,
            "delivery_time": local.delivery_time,
            "application_url": local.application_url,
            "login": local.login,
        }
    )


def render_local_product(local: LocalProduct, gemeente_slug: str) -> str:
    """gemeenten/<gemeente>/producten/<slug>.md: overrides, then local text last."""
    where = f"gemeenten/{gemeente_slug}/producten/{local.product}.md"
    blocks = [
        (SECTION_HEADINGS[k], local.sections[k])
        for k in SECTION_KEYS
        if k in local.sections
    ]
    if local.local_text:
        blocks.append((LOCAL_TEXT_HEADING, local.local_text))
    return _front_matter(local_product_data(local), where) + _sections_body(blocks)


def _meta_value(value: str, field: str, where: str) -> str:
    if "\n" in value or "\r" in value:
        raise WriterError(f"{where}: {field} mag maar één regel zijn")
    return value


def render_news_item(item: NewsItem, gemeente_slug: str) -> str:
    """gemeenten/<gemeente>/nieuws/<slug>.md in Pelican's metadata format."""
    where = f"gemeenten/{gemeente_slug}/nieuws/{item.slug}.md"
    return (
        f"Title: {_meta_value(item.title, 'Title', where)}\n"
        f"Date: {item.date.isoformat()}\n"
        f"Summary: {_meta_value(item.summary, 'Summary', where)}\n"
        f"\n{item.body}\n"
    )


def gemeente_data(profile: GemeenteProfile) -> dict[str, Any]:
    contact = profile.contact
    locations = []
    for loc in profile.locations:
        hours = [
            FlowMap(day=h.day, open=h.open, close=h.close) for h in loc.opening_hours
        ]
        locations.append(
            _drop_empty(
                {
                    "name": loc.name,
                    "address": loc.address,
                    "postcode": loc.postcode,
                    "city": loc.city,
                    "appointment_only": True if loc.appointment_only else None,
                    "appointment_url": loc.appointment_url,
                    "note": loc.note,
                    "opening_hours": hours,
                }
            )
        )
    return _drop_empty(
        {
            "cbs_code": profile.cbs_code,
            "theme": profile.theme,
            "site_url": profile.site_url,
            "example_data": True if profile.example_data else None,
            "contact": _drop_empty(
                {
                    "phone": contact.phone,
                    "phone_hours": contact.phone_hours,
                    "email": contact.email,
                    "contact_form_url": contact.contact_form_url,
                    "website": contact.website,
                    "postal_address": contact.postal_address,
                }
            )
            or None,
            "locations": locations,
            "top_tasks": list(profile.top_tasks),
        }
    )


def render_gemeente_yaml(profile: GemeenteProfile, gemeente_slug: str) -> str:
    """gemeenten/<gemeente>/gemeente.yaml"""
    return dump_yaml(gemeente_data(profile), f"gemeenten/{gemeente_slug}/gemeente.yaml")


def render_home(profile: GemeenteProfile, gemeente_slug: str) -> str | None:
    """gemeenten/<gemeente>/home.md, or None when there is no welcome text."""
    if not profile.welcome and not profile.welcome_title:
        return None
    where = f"gemeenten/{gemeente_slug}/home.md"
    head = _front_matter(_drop_empty({"title": profile.welcome_title}), where)
    return head + (f"\n{profile.welcome}\n" if profile.welcome else "")


def render_settings(settings: Settings) -> str:
    """catalogus.yaml (always written, so the tree says which pattern it uses)."""
    data: dict = {
        "site_url_pattern": settings.site_url_pattern,
        "default_theme": settings.default_theme,
    }
    # Optional settings are written only when they differ from the default.
    defaults = Settings()
    for name in ("security_contact", "security_policy", "security_txt_expires"):
        value = getattr(settings, name)
        if value != getattr(defaults, name):
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return dump_yaml(data, CATALOGUE_FILE)


def gemeente_folder(gemeente: Gemeente) -> str:
    return f"gemeenten/{gemeente.slug}"


def render_catalogue(catalogue: Catalogue) -> dict[str, str]:
    """Every content file of the catalogue: relative POSIX path → text.

    The reference lists (reference/*.csv) are official files kept in their own
    format; they are not part of the catalogue model and are not written here.
    """
    files: dict[str, str] = {CATALOGUE_FILE: render_settings(catalogue.settings)}
    for slug, product in catalogue.products.items():
        files[f"producten/{slug}.md"] = render_product(product)
    for slug, event in catalogue.life_events.items():
        files[f"levensgebeurtenissen/{slug}.md"] = render_life_event(event)
    for code, profile in catalogue.profiles.items():
        gemeente = catalogue.gemeenten.get(code)
        if gemeente is None:
            raise WriterError(f"{code} staat niet in de gemeentelijst")
        folder, slug = gemeente_folder(gemeente), gemeente.slug
        files[f"{folder}/gemeente.yaml"] = render_gemeente_yaml(profile, slug)
        home = render_home(profile, slug)
        if home is not None:
            files[f"{folder}/home.md"] = home
        for item in profile.news:
            files[f"{folder}/nieuws/{item.slug}.md"] = render_news_item(item, slug)
        for product_slug, local in profile.products.items():
            files[f"{folder}/producten/{product_slug}.md"] = render_local_product(
                local, slug
            )
    return dict(sorted(files.items()))


def managed_paths(content_dir: Path) -> list[str]:
    """Files the loader reads (except reference/): what a canonical tree replaces."""
    root = Path(content_dir)
    patterns = (
        "catalogus.yaml",
        "producten/*.md",
        "levensgebeurtenissen/*.md",
        "gemeenten/*/gemeente.yaml",
        "gemeenten/*/home.md",
        "gemeenten/*/nieuws/*.md",
        "gemeenten/*/producten/*.md",
    )
    found = {
        PurePosixPath(path.relative_to(root)).as_posix()
        for pattern in patterns
        for path in root.glob(pattern)
        if path.is_file()
    }
    return sorted(found)


def write_catalogue(catalogue: Catalogue, out_dir: Path) -> list[str]:
    """Write the canonical tree into out_dir; return the paths whose bytes changed.

    Each file is replaced atomically and only when its bytes differ, so a repeated
    export touches nothing (builds downstream stay incremental).
    """
    out_dir = Path(out_dir)
    changed: list[str] = []
    for rel, text in render_catalogue(catalogue).items():
        path = out_dir / rel
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            continue
        write_atomic(path, text)
        changed.append(rel)
    return changed
