"""samenloket/writer.py is the loader's inverse for any text an editor can type."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samenloket.loader import load_catalogue
from samenloket.textfiles import parse_yaml
from samenloket.writer import Flow, FlowMap, dump_yaml, render_catalogue

TRICKY = [
    "14 030", "09:00", "yes", "no", "null", "~", "true", "2026-04-20", "1e3",
    "a: b", "a #b", "#kop", "- lijst", "? vraag", "'quote", '"dubbel"', "[x]",
    "{x}", "a, b", "&anker", "*ster", "!tag", "%pct", "@at", "`tick", "|pipe",
    ">gt", "Lübeckplein 2", "één – twee", "tab\there", "regel\u2028scheiding",
    "nel\x85teken", "bom\ufeffteken", "back\\slash",
]


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_strings_survive_yaml(value: str) -> None:
    """Values YAML would misread are quoted; everything reads back unchanged."""
    data = {"a": value, "b": Flow([value, "x"]), "c": [value],
            "d": [FlowMap(day="maandag", open=value)]}
    assert parse_yaml(dump_yaml(data)).data == {
        "a": value, "b": [value, "x"], "c": [value],
        "d": [{"day": "maandag", "open": value}],
    }


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).map(str.strip)
       .filter(bool))
def test_any_text_survives_yaml(value: str) -> None:
    """Any (stripped) text, including multi-line, reads back as written."""
    data = {"a": value, "b": Flow([value]), "c": {"d": value}}
    assert parse_yaml(dump_yaml(data)).data == {"a": value, "b": [value],
                                                "c": {"d": value}}


def test_tricky_values_survive_the_whole_tree(fixture_content: Path,
                                              tmp_path: Path) -> None:
    """Tricky titles, synonyms and step texts survive write → load → write."""
    catalogue = load_catalogue(fixture_content)
    product = catalogue.products["verhuizing-doorgeven"]
    product = product.model_copy(update={
        "summary": "Let op: geef het door! #verhuizen, ook 's avonds.",
        "synonyms": tuple(v for v in TRICKY if "\t" not in v)[:12],
        "delivery_time": "14 030",
    })
    catalogue = catalogue.model_copy(update={
        "products": {**catalogue.products, product.slug: product}})
    files = render_catalogue(catalogue)
    root = tmp_path / "content"
    shutil.copytree(fixture_content / "reference", root / "reference")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    reloaded = load_catalogue(root)
    assert reloaded == catalogue
    assert render_catalogue(reloaded) == files
