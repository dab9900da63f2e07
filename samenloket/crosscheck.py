"""Checks that span files: references between products, events and gemeenten.

A single file can be valid on its own and still point at a product that does not
exist or a UPL URI that is not on the list; these checks catch that, with the
line of the offending reference.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Gemeente, GemeenteProfile, LifeEvent, Product, ProductStep, UplEntry

if TYPE_CHECKING:  # pragma: no cover
    from .loader import Collector


def _suggest(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f" (bedoelt u '{close[0]}'?)" if close else ""


def _check_upl(
    products: dict[str, Product], upl: dict[str, UplEntry], errors: Collector
) -> None:
    if not upl:
        return
    by_tail = {uri.rsplit("/", 1)[-1]: uri for uri in upl}
    for slug, product in products.items():
        path, located = errors.sources[("product", slug)]
        for index, uri in enumerate(product.upl):
            if uri in upl:
                continue
            hint = _suggest(uri.rsplit("/", 1)[-1], list(by_tail))
            if hint:
                hint = f" (bedoelt u '{by_tail[hint.split(chr(39))[1]]}'?)"
            errors.add(
                path,
                located.line_of(("upl", index)),
                f"upl.{index}",
                f"URI '{uri}' staat niet op de UPL{hint}",
                "zoek de URI op in content/reference/upl.csv (kolom URI); "
                "maak nooit zelf een URI",
            )
        labels = {upl[u].label for u in product.upl if u in upl}
        if len(labels) != len([u for u in product.upl if u in upl]):
            errors.add(
                path,
                located.line_of(("upl",)),
                "upl",
                "dezelfde UPL-naam staat er twee keer",
                "verwijder de dubbele",
            )


def _check_products(
    products: dict[str, Product], known: set[str], errors: Collector
) -> None:
    titles: dict[str, str] = {}
    slugs = sorted(known)
    for slug, product in products.items():
        path, located = errors.sources[("product", slug)]
        for index, related in enumerate(product.related):
            if related == slug:
                errors.add(
                    path,
                    located.line_of(("related", index)),
                    "related",
                    "een product verwijst naar zichzelf",
                    "verwijder deze slug",
                )
            elif related not in known:
                errors.add(
                    path,
                    located.line_of(("related", index)),
                    "related",
                    f"product '{related}' bestaat niet{_suggest(related, slugs)}",
                    "gebruik de bestandsnaam (zonder .md) uit content/producten/",
                )
        key = product.title.lower()
        if key in titles:
            errors.add(
                path,
                located.line_of(("title",)),
                "title",
                f"titel '{product.title}' heeft ook product '{titles[key]}'",
                "geef elk product een eigen titel",
            )
        titles.setdefault(key, slug)


def _check_life_events(
    events: dict[str, LifeEvent], known: set[str], errors: Collector
) -> None:
    slugs = sorted(known)
    for slug, event in events.items():
        path, located = errors.sources[("life_event", slug)]
        for s_index, step in enumerate(event.steps):
            if step.choice == "of" and len(step.items) < 2:
                errors.add(
                    path,
                    located.line_of(("steps", s_index, "choice")),
                    f"steps.{s_index}.choice",
                    "'of' heeft ten minste twee mogelijkheden nodig",
                    "voeg een item toe of laat 'choice' weg",
                )
            for i_index, item in enumerate(step.items):
                if isinstance(item, ProductStep) and item.product not in known:
                    errors.add(
                        path,
                        located.line_of(("steps", s_index, "items", i_index)),
                        f"steps.{s_index}.items.{i_index}.product",
                        f"product '{item.product}' bestaat niet"
                        f"{_suggest(item.product, slugs)}",
                        "gebruik een slug uit content/producten/ of verwijs naar een "
                        "andere organisatie met organisation, title en url",
                    )


def _check_profiles(
    profiles: dict[str, GemeenteProfile],
    known: set[str],
    gemeenten: dict[str, Gemeente],
    errors: Collector,
    themes_dir: Path | None,
) -> None:
    slugs = sorted(known)
    for code, profile in profiles.items():
        path, located = errors.sources[("gemeente", code)]
        folder = path.parent.name
        if gemeenten and code not in gemeenten:
            errors.add(
                path,
                located.line_of(("cbs_code",)),
                "cbs_code",
                f"{code} is geen huidige gemeente",
                "zoek de CBS-code op in content/reference/gemeenten.csv",
            )
        elif gemeenten and gemeenten[code].slug != folder:
            errors.add(
                path,
                None,
                "map",
                f"de map heet '{folder}', maar {code} heeft slug "
                f"'{gemeenten[code].slug}'",
                f"hernoem de map naar content/gemeenten/{gemeenten[code].slug}/",
            )
        for index, task in enumerate(profile.top_tasks):
            if task not in known:
                errors.add(
                    path,
                    located.line_of(("top_tasks", index)),
                    "top_tasks",
                    f"product '{task}' bestaat niet{_suggest(task, slugs)}",
                    "gebruik een slug uit content/producten/",
                )
        for slug in profile.products:
            if slug not in known:
                local_path, _ = errors.sources[("local", f"{folder}/{slug}")]
                errors.add(
                    local_path,
                    None,
                    "bestandsnaam",
                    f"er is geen landelijk product '{slug}'{_suggest(slug, slugs)}",
                    "noem het bestand naar een bestand in content/producten/",
                )
        if themes_dir is not None and not (themes_dir / profile.theme).is_dir():
            errors.add(
                path,
                located.line_of(("theme",)),
                "theme",
                f"thema '{profile.theme}' bestaat niet",
                f"kies een map uit {themes_dir} of laat 'theme' weg (base)",
            )


def _check_gemeente_slugs(gemeenten: dict[str, Gemeente], errors: Collector) -> None:
    seen: dict[str, str] = {}
    for code, gemeente in sorted(gemeenten.items()):
        if gemeente.slug in seen:
            errors.add(
                errors.content_dir / "reference" / "gemeenten.csv",
                None,
                "voorkeursnaam",
                f"{code} en {seen[gemeente.slug]} krijgen dezelfde slug "
                f"'{gemeente.slug}'",
                "maak de voorkeursnamen verschillend",
            )
        seen[gemeente.slug] = code


def crosscheck(
    products: dict[str, Product],
    events: dict[str, LifeEvent],
    profiles: dict[str, GemeenteProfile],
    upl: dict[str, UplEntry],
    gemeenten: dict[str, Gemeente],
    errors: Collector,
    themes_dir: Path | None = None,
    product_files: set[str] | None = None,
) -> None:
    """Run every cross-file check, adding problems to errors.

    `product_files` are the slugs that have a file, valid or not: a reference to
    a product whose file has its own error is not reported a second time.
    """
    known = set(products) | (product_files or set())
    _check_upl(products, upl, errors)
    _check_products(products, known, errors)
    _check_life_events(events, known, errors)
    _check_profiles(profiles, known, gemeenten, errors, themes_dir)
    _check_gemeente_slugs(gemeenten, errors)
