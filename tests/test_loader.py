"""The loader accepts good content and reports each kind of error clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import THEMES, edit

from samenloket.errors import ContentErrors
from samenloket.loader import load_catalogue
from samenloket.model import SECTION_KEYS
from samenloket.resolve import is_offered, offered_products, resolve


def errors_of(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_catalogue(content, themes_dir=THEMES)
    return [e.format() for e in info.value.errors]


def test_good_content_loads(content: Path) -> None:
    """The fixture catalogue loads with all its parts."""
    catalogue = load_catalogue(content, themes_dir=THEMES)
    assert set(catalogue.products) == {
        "paspoort-aanvragen",
        "identiteitskaart-aanvragen",
        "grofvuil-ophalen",
    }
    assert list(catalogue.life_events) == ["kind-krijgen"]
    assert set(catalogue.gemeenten) == {"GM0344", "GM0193", "GM0088"}
    paspoort = catalogue.products["paspoort-aanvragen"]
    assert list(paspoort.sections) == list(SECTION_KEYS)
    assert catalogue.profiles["GM0193"].news[0].title == "Afspraak maken gaat nu online"


def test_local_values_override_and_inherit(content: Path) -> None:
    """A local fee replaces the national one; what is not set is inherited."""
    catalogue = load_catalogue(content)
    grofvuil = resolve(catalogue, "GM0193", "grofvuil-ophalen")
    assert grofvuil.fees.year == 2026 and grofvuil.fees_are_local
    assert grofvuil.delivery_time == "Binnen 5 werkdagen."
    assert grofvuil.online_aanvragen == "digid"
    assert grofvuil.sections == catalogue.products["grofvuil-ophalen"].sections
    elsewhere = resolve(catalogue, "GM0344", "grofvuil-ophalen")
    assert elsewhere.delivery_time == "Binnen 2 weken." and not elsewhere.fees_are_local
    assert elsewhere.online_aanvragen == "nee"


def test_not_offered_is_left_out(content: Path) -> None:
    """A product a gemeente does not offer is absent from its product list."""
    catalogue = load_catalogue(content)
    assert not is_offered(catalogue, "GM0193", "identiteitskaart-aanvragen")
    slugs = [p.slug for p in offered_products(catalogue, "GM0193")]
    assert "identiteitskaart-aanvragen" not in slugs
    assert "identiteitskaart-aanvragen" in [
        p.slug for p in offered_products(catalogue, "GM0344")
    ]


PRODUCT = "producten/paspoort-aanvragen.md"
EVENT = "levensgebeurtenissen/kind-krijgen.md"
ZWOLLE = "gemeenten/zwolle/gemeente.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param(
            PRODUCT,
            "terms/paspoort\n",
            "terms/paspoortt\n",
            [
                f"content/{PRODUCT}:5 [upl.0]",
                "staat niet op de UPL",
                "bedoelt u 'http://standaarden.overheid.nl/owms/terms/paspoort'",
            ],
            id="unknown-upl",
        ),
        pytest.param(
            PRODUCT,
            "audience: [particulier]",
            "audience: [burger]",
            [
                f"content/{PRODUCT}:6 [audience.0]",
                "ongeldige waarde",
                "'particulier' or 'ondernemer'",
            ],
            id="bad-audience",
        ),
        pytest.param(
            PRODUCT,
            "synonyms:",
            "synoniemen:",
            [f"content/{PRODUCT}:20 [synoniemen]", "onbekend veld 'synoniemen'"],
            id="unknown-key",
        ),
        pytest.param(
            PRODUCT,
            "## Geen reactie?\n",
            "",
            [f"content/{PRODUCT}", "[sections]", "Geen reactie?"],
            id="missing-section",
        ),
        pytest.param(
            PRODUCT,
            "## Kosten\n",
            "## Prijs\n",
            [f"content/{PRODUCT}:36 [tekst]", "onbekende kop '## Prijs'"],
            id="unknown-heading",
        ),
        pytest.param(
            PRODUCT,
            "Uw oude paspoort.",
            "Uw <b>oude</b> paspoort.",
            [f"content/{PRODUCT}:31 [tekst]", "HTML is niet toegestaan"],
            id="html",
        ),
        pytest.param(
            PRODUCT,
            "related: [identiteitskaart-aanvragen]",
            "related: [identiteitskaart-aanvrage]",
            [
                f"content/{PRODUCT}:19 [related]",
                "bedoelt u 'identiteitskaart-aanvragen'",
            ],
            id="unknown-related",
        ),
        pytest.param(
            PRODUCT,
            "  year: 2024\n",
            "",
            [f"content/{PRODUCT}", "[fees]", "jaartal"],
            id="amount-without-year",
        ),
        pytest.param(
            PRODUCT,
            "title: Paspoort aanvragen",
            "title: [Paspoort",
            [f"content/{PRODUCT}:", "ongeldige YAML"],
            id="broken-yaml",
        ),
        pytest.param(
            EVENT,
            "- product: identiteitskaart-aanvragen",
            "- product: identiteitsbewijs",
            [
                f"content/{EVENT}:30 [steps.3.items.1.product]",
                "product 'identiteitsbewijs' bestaat niet",
            ],
            id="step-to-missing-product",
        ),
        pytest.param(
            EVENT,
            "url: https://www.svb.nl/nl/kinderbijslag",
            "url: http://www.svb.nl/nl/kinderbijslag",
            [f"content/{EVENT}:21 [steps.2.items.0.url]", "https://"],
            id="step-without-https",
        ),
        pytest.param(
            ZWOLLE,
            "cbs_code: GM0193",
            "cbs_code: GM9999",
            [f"content/{ZWOLLE}:1 [cbs_code]", "GM9999 is geen huidige gemeente"],
            id="unknown-gemeente",
        ),
        pytest.param(
            ZWOLLE,
            "theme: zwolle",
            "theme: zwollee",
            [f"content/{ZWOLLE}:2 [theme]", "thema 'zwollee' bestaat niet"],
            id="unknown-theme",
        ),
        pytest.param(
            ZWOLLE,
            'close: "17:00"',
            "close: 17:00",
            [
                f"content/{ZWOLLE}:16 [locations.0.opening_hours.0.close]",
                "aanhalingstekens",
            ],
            id="unquoted-time",
        ),
    ],
)
def test_each_error_names_file_line_field_and_fix(
    content: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    """A broken fixture fails with the expected message and location."""
    edit(content / file, old, new)
    report = "\n".join(errors_of(content))
    for part in expected:
        assert part in report, f"{part!r} not in:\n{report}"
    assert "oplossing:" in report or "bedoelt u" in report or "kies uit" in report


def test_local_override_for_unknown_product(content: Path) -> None:
    """An override for a product that does not exist names the file."""
    (content / "gemeenten/zwolle/producten/paspoort.md").write_text(
        "---\noffered: false\n---\n", encoding="utf-8"
    )
    report = "\n".join(errors_of(content))
    assert "content/gemeenten/zwolle/producten/paspoort.md [bestandsnaam]" in report
    assert "bedoelt u 'paspoort-aanvragen'" in report


def test_all_errors_in_one_run(content: Path) -> None:
    """Every broken file is reported in the same run, not just the first."""
    edit(content / PRODUCT, "audience: [particulier]", "audience: [iedereen]")
    edit(content / EVENT, "title: Kind krijgen", "titel: Kind krijgen")
    edit(content / ZWOLLE, "cbs_code: GM0193", "cbs_code: GM9999")
    report = "\n".join(errors_of(content))
    assert PRODUCT in report and EVENT in report and ZWOLLE in report


def test_folder_must_match_gemeente_slug(content: Path) -> None:
    """A gemeente folder named differently from its slug is refused with the fix."""
    (content / "gemeenten/zwolle").rename(content / "gemeenten/zwol")
    report = "\n".join(errors_of(content))
    assert "hernoem de map naar content/gemeenten/zwolle/" in report
