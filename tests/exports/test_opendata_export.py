"""Open data JSON: resolved values, versioned schema, deterministic bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from exports_fixture import UTRECHT, ZWOLLE

from exports import export_opendata, render_gemeente_json, render_national_json
from exports.opendata import SCHEMA_VERSION
from samenloket.cli import main
from samenloket.model import Catalogue

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "exports" / "opendata.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null":
         type(None), "integer": int, "number": (int, float)}


def _is(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """The subset of JSON Schema 2020-12 that opendata.schema.json uses."""
    if "$ref" in schema:
        node: Any = SCHEMA
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        return schema_errors(value, node, path)
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not schema_errors(value, s, path)]
        return [] if len(passing) == 1 else [f"{path}: {len(passing)} of oneOf pass"]
    errors: list[str] = []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_is(value, t) for t in types):
            return [f"{path}: {value!r} is not {types}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: too short")
    if isinstance(value, (int, float)) and value < schema.get("minimum", value):
        errors.append(f"{path}: below minimum")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing {key}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected {key}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        for index, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{path}[{index}]")
    return errors


def _gemeente(catalogue: Catalogue, code: str) -> dict[str, Any]:
    return json.loads(render_gemeente_json(catalogue, code))


def test_every_file_matches_the_schema(catalogue: Catalogue) -> None:
    """The national file and all 342 gemeente files follow opendata.schema.json."""
    assert schema_errors(json.loads(render_national_json(catalogue)), SCHEMA) == []
    for code in catalogue.gemeenten:
        assert schema_errors(_gemeente(catalogue, code), SCHEMA) == [], code


def test_schema_check_is_not_vacuous(catalogue: Catalogue) -> None:
    """A file with a missing or wrong field fails the schema check."""
    data = _gemeente(catalogue, ZWOLLE)
    del data["products"][0]["url"]
    data["products"][1]["online_aanvragen"] = "misschien"
    errors = schema_errors(data, SCHEMA)
    assert errors == ["$: 0 of oneOf pass"]
    assert schema_errors(data, SCHEMA["$defs"]["gemeenteFile"]) == [
        "$.products[0]: missing url",
        "$.products[1].online_aanvragen: 'misschien' not in ['ja', 'nee', 'digid']",
    ]


def test_schema_version_is_declared_everywhere(catalogue: Catalogue) -> None:
    """Files, code and JSON Schema agree on schema_version 1.0."""
    assert SCHEMA_VERSION == "1.0"
    for kind in ("gemeenteFile", "nationalFile"):
        assert SCHEMA["$defs"][kind]["properties"]["schema_version"]["const"] == "1.0"
    assert _gemeente(catalogue, ZWOLLE)["schema_version"] == "1.0"


def test_gemeente_file_has_resolved_local_values(catalogue: Catalogue) -> None:
    """Zwolle's file carries its local fees, summary, link and login."""
    data = _gemeente(catalogue, ZWOLLE)
    assert data["kind"] == "gemeente"
    assert data["gemeente"]["sc_feed_url"] == "https://zwolle.samenloket.nl/sc/producten.xml"
    products = {p["slug"]: p for p in data["products"]}
    assert list(products) == sorted(products)
    assert "evenementenvergunning" not in products  # not offered
    paspoort = products["paspoort-aanvragen"]
    assert paspoort["summary"].startswith("Vraag in Zwolle een paspoort aan")
    assert paspoort["fees"] == {"set_by": "gemeente", "year": 2026, "local": True,
                                "items": [{"label": "Paspoort, 18 jaar en ouder",
                                           "amount": 84}]}
    assert paspoort["delivery_time"] == "Binnen 5 werkdagen."
    assert paspoort["local_text"] == "Maak eerst een afspraak in het Stadskantoor."
    assert paspoort["upl"] == [{"uri": "http://standaarden.overheid.nl/owms/terms/"
                                "paspoort", "label": "paspoort"}]
    assert paspoort["life_events"] == [{
        "slug": "op-reis", "title": "Op reis naar het buitenland",
        "url": "https://zwolle.samenloket.nl/levensgebeurtenissen/op-reis/"}]
    assert paspoort["related"][0]["slug"] == "rijbewijs-verlengen"
    assert "](https://zwolle.samenloket.nl/producten/paspoort-aanvragen/)" in (
        paspoort["sections"]["what_it_is"])
    rijbewijs = products["rijbewijs-verlengen"]
    assert (rijbewijs["online_aanvragen"], rijbewijs["login"]) == ("digid", "digid")
    assert rijbewijs["application_url"] == "https://www.zwolle.nl/rijbewijs"
    assert rijbewijs["sc_product_id"] == "GM0193-rijbewijs-verlengen"


def test_gemeente_without_folder_gets_national_values(catalogue: Catalogue) -> None:
    """Utrecht (no local files) gets national fees and no application link."""
    products = {p["slug"]: p for p in _gemeente(catalogue, UTRECHT)["products"]}
    paspoort = products["paspoort-aanvragen"]
    assert paspoort["fees"]["local"] is False and paspoort["fees"]["year"] == 2024
    assert paspoort["fees"]["items"][0]["amount"] == 82.3
    assert paspoort["application_url"] is None and paspoort["online_aanvragen"] == "nee"
    assert products["evenementenvergunning"]["authority"] == {
        "type": "organisatie", "name": "Veiligheidsregio",
        "url": "https://www.veiligheidsregio.nl"}


def test_national_file(catalogue: Catalogue) -> None:
    """The national file lists products, life events and all gemeenten."""
    data = json.loads(render_national_json(catalogue))
    assert data["kind"] == "landelijk"
    assert [p["slug"] for p in data["products"]] == sorted(catalogue.products)
    [event] = data["life_events"]
    assert [i["type"] for s in event["steps"] for i in s["items"]] == [
        "product", "product", "organisatie", "organisatie"]
    gemeenten = {g["cbs_code"]: g for g in data["gemeenten"]}
    assert len(gemeenten) == 342
    assert gemeenten[ZWOLLE]["offered_products"] == 4
    assert gemeenten[UTRECHT]["offered_products"] == 4


def test_bytes_are_deterministic(catalogue: Catalogue) -> None:
    """The same catalogue gives the same bytes, with sorted keys."""
    first = render_gemeente_json(catalogue, ZWOLLE)
    assert first == render_gemeente_json(catalogue, ZWOLLE)
    data = json.loads(first)
    assert first == (json.dumps(data, ensure_ascii=False, sort_keys=True,
                                separators=(",", ":")) + "\n").encode()


def test_opendata_cli_writes_once(content_dir: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`samenloket opendata` writes all files; a second run writes nothing."""
    out = tmp_path / "od"
    assert main(["--content", str(content_dir), "opendata", "--out", str(out)]) == 0
    assert (out / "catalogus.json").is_file()
    assert (out / "zwolle" / "producten.json").is_file()
    assert "343 geschreven" in capsys.readouterr().out
    assert main(["--content", str(content_dir), "opendata", "--out", str(out)]) == 0
    assert "0 geschreven, 343 ongewijzigd" in capsys.readouterr().out


def test_real_content_matches_the_schema(real_catalogue: Catalogue,
                                         tmp_path: Path) -> None:
    """Open data of the real content/ follows the schema: the national file, every
    gemeente with local data and a spread of the others (all 342 take ~12 s)."""
    summary = export_opendata(real_catalogue, tmp_path)
    assert summary.files == 343
    codes = sorted(real_catalogue.gemeenten)
    checked = {*real_catalogue.profiles, *codes[::34]}
    paths = [tmp_path / "catalogus.json"] + [
        tmp_path / real_catalogue.gemeenten[code].slug / "producten.json"
        for code in sorted(checked)
    ]
    for path in paths:
        assert schema_errors(json.loads(path.read_bytes()), SCHEMA) == [], path
