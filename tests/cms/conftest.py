"""Shared set-up for the CMS tests: one small canonical content tree, loaded once.

The tree (4 products, 1 life event, Utrecht and Zwolle with local data) is written
in canonical form, so loading it into the CMS and exporting it again must give the
same bytes. It is loaded into the test database once per session; every test runs
in a transaction that is rolled back, so tests can change anything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

PROJECT = Path(__file__).resolve().parents[2]
REFERENCE = PROJECT / "content" / "reference"

UPL = "http://standaarden.overheid.nl/owms/terms/"

FILES: dict[str, str] = {
    "catalogus.yaml": """\
site_url_pattern: https://{slug}.samenloket.nl
default_theme: base
""",
    "producten/paspoort-aanvragen.md": f"""\
---
title: Paspoort aanvragen
summary: Vraag een paspoort aan bij de gemeente waar u woont.
upl:
  - {UPL}paspoort
audience: [particulier]
authority: gemeente
legal_basis:
  - label: Artikel 26 Paspoortwet
    url: https://wetten.overheid.nl/jci1.3:c:BWBR0005212&artikel=26
channels: [online, telefoon, balie]
appointment: true
online_aanvragen: nee
fees:
  set_by: rijk
  year: 2024
  items:
    - label: Paspoort, 18 jaar en ouder (maximumtarief)
      amount: 82.30
    - label: Paspoort, jonger dan 18 jaar
      amount: 61.00
delivery_time: Meestal binnen 6 werkdagen.
related: [identiteitskaart-aanvragen]
synonyms: [reisdocument, pas, "paspoort: verlengen"]
---

## Wat is het?

Met een paspoort reist u naar alle landen.

## Voorwaarden

- U heeft de Nederlandse nationaliteit.
- U komt zelf naar de gemeente.

## Wat heeft u nodig?

Een recente pasfoto.

## Aanvragen

### Afspraak

Maak een afspraak. Lees ook [identiteitskaart](/producten/identiteitskaart-aanvragen/).

## Kosten

Wat het kost, ziet u hieronder.

## Hoe lang duurt het?

Meestal **6 werkdagen**.

## Geen reactie?

Neem contact op met de gemeente.

## Bezwaar en beroep

U kunt bezwaar maken.

## Meer informatie

1. [Rijksoverheid](https://www.rijksoverheid.nl/onderwerpen/paspoort-en-identiteitskaart)
2. Bel 14 + netnummer.
""",
    "producten/identiteitskaart-aanvragen.md": f"""\
---
title: Identiteitskaart aanvragen
summary: Vraag een identiteitskaart aan bij uw gemeente.
upl:
  - {UPL}identiteitskaart
audience: [particulier]
authority: gemeente
channels: [telefoon, balie]
appointment: true
online_aanvragen: nee
fees:
  set_by: rijk
  year: 2024
  items:
    - label: Identiteitskaart, 18 jaar en ouder
      amount: 77.85
related: [paspoort-aanvragen]
---

## Wat is het?

Een identiteitskaart is een identiteitsbewijs.

## Voorwaarden

U woont in de gemeente.

## Wat heeft u nodig?

Een pasfoto.

## Aanvragen

Maak een afspraak.

## Kosten

Zie hieronder.

## Hoe lang duurt het?

Een week.

## Geen reactie?

Bel de gemeente.

## Bezwaar en beroep

Maak bezwaar.

## Meer informatie

Zie rijksoverheid.nl.
""",
    "producten/geboorteaangifte.md": f"""\
---
title: Geboorteaangifte doen
summary: Doe binnen 3 dagen aangifte van de geboorte van uw kind.
upl:
  - {UPL}geboorteaangifte
audience: [particulier]
authority:
  name: Burgerlijke stand
  url: https://www.rijksoverheid.nl/onderwerpen/aangifte-geboorte
channels: [online, balie]
online_aanvragen: digid
fees:
  set_by: gratis
---

## Wat is het?

Na de geboorte doet u aangifte.

## Voorwaarden

Binnen 3 dagen.

## Wat heeft u nodig?

Uw identiteitsbewijs.

## Aanvragen

Online met DigiD of aan de balie.

## Kosten

Gratis.

## Hoe lang duurt het?

Direct.

## Geen reactie?

Bel de gemeente.

## Bezwaar en beroep

Niet van toepassing.

## Meer informatie

Zie de site van de gemeente.
""",
    "producten/verhuizing-doorgeven.md": f"""\
---
title: Verhuizing doorgeven
summary: Geef uw verhuizing binnen 5 dagen door aan de gemeente.
upl:
  - {UPL}verhuismelding
audience: [particulier]
authority: gemeente
channels: [online, post]
online_aanvragen: digid
fees:
  set_by: gemeente
synonyms: [adreswijziging, verhuizen]
default_offered: false
---

## Wat is het?

U verhuist.

## Voorwaarden

Binnen 5 dagen.

## Wat heeft u nodig?

DigiD.

## Aanvragen

Online.

## Kosten

Gratis.

## Hoe lang duurt het?

Direct.

## Geen reactie?

Bel.

## Bezwaar en beroep

Bezwaar.

## Meer informatie

Meer.
""",
    "levensgebeurtenissen/kind-krijgen.md": """\
---
title: Kind krijgen
summary: Wat u regelt als u een kind krijgt.
audience: [particulier]
order: 10
steps:
  - title: Doe aangifte van de geboorte
    items:
      - product: geboorteaangifte
        text: Binnen 3 dagen.
  - title: Regel kinderbijslag en zorgverzekering
    choice: en
    items:
      - organisation: Sociale Verzekeringsbank (SVB)
        title: Kinderbijslag
        url: https://www.svb.nl/nl/kinderbijslag
        text: |-
          U krijgt vanzelf een brief.

          Lees die goed.
      - organisation: Uw zorgverzekeraar
        title: Kind aanmelden
        url: https://www.rijksoverheid.nl/onderwerpen/zorgverzekering
  - title: Vraag een reisdocument aan
    choice: of
    items:
      - product: paspoort-aanvragen
      - product: identiteitskaart-aanvragen
  - title: Geef een verhuizing door als u verhuist
    items:
      - product: verhuizing-doorgeven
---

Krijgt u een kind? Dan regelt u veel.
""",
    "gemeenten/utrecht/gemeente.yaml": """\
cbs_code: GM0344
theme: utrecht
example_data: true
contact:
  phone: "14 030"
  phone_hours: Maandag tot en met vrijdag van 9.00 tot 17.00 uur.
  contact_form_url: https://www.utrecht.nl/contact/
  website: https://www.utrecht.nl
  postal_address: Postbus 16200, 3500 CE Utrecht
locations:
  - name: Stadskantoor
    address: Stadsplateau 1
    postcode: 3521 AZ
    city: Utrecht
    appointment_only: true
    appointment_url: https://www.utrecht.nl/afspraak-maken/
    note: Naast station Utrecht Centraal.
    opening_hours:
      - {day: maandag, open: "09:00", close: "17:00"}
      - {day: dinsdag, open: "09:00", close: "12:00"}
      - {day: dinsdag, open: "13:00", close: "17:00"}
top_tasks:
  - paspoort-aanvragen
  - verhuizing-doorgeven
""",
    "gemeenten/utrecht/home.md": """\
---
title: Welkom bij de gemeente Utrecht
---

Op deze website regelt u uw zaken met de gemeente Utrecht.
""",
    "gemeenten/utrecht/producten/paspoort-aanvragen.md": """\
---
offered: true
example: true
fees:
  year: 2026
  items:
    - label: Paspoort, 18 jaar en ouder
      amount: 84.00
delivery_time: Meestal binnen 5 werkdagen.
application_url: https://www.utrecht.nl/afspraak-maken/
login: digid
---

## Kosten

In Utrecht betaalt u bij de balie.

## Lokale informatie

U vraagt uw paspoort aan in het Stadskantoor.
""",
    "gemeenten/utrecht/producten/verhuizing-doorgeven.md": """\
---
offered: true
---
""",
    "gemeenten/utrecht/nieuws/2026-04-20-stadskantoor-dicht.md": """\
Title: Stadskantoor dicht op Koningsdag
Date: 2026-04-20
Summary: Op 27 april is het Stadskantoor gesloten.

Op maandag 27 april 2026 is het Koningsdag.

Veel zaken regelt u online.
""",
    "gemeenten/utrecht/nieuws/2026-06-15-paspoort-voor-de-zomer.md": """\
Title: Vraag uw paspoort op tijd aan
Date: 2026-06-15
Summary: Voor de zomer is het druk.

Maak op tijd een afspraak.
""",
    "gemeenten/zwolle/gemeente.yaml": """\
cbs_code: GM0193
theme: zwolle
contact:
  phone: "14 038"
  email: info@zwolle.nl
locations:
  - name: Stadskantoor
    address: Lübeckplein 2
    postcode: 8017 JZ
    city: Zwolle
    opening_hours:
      - {day: maandag, open: "09:00", close: "17:00"}
""",
    "gemeenten/zwolle/producten/paspoort-aanvragen.md": """\
---
offered: true
delivery_time: Binnen 5 werkdagen.
---

## Lokale informatie

Zwolle maakt de pasfoto zelf.
""",
    "gemeenten/zwolle/producten/geboorteaangifte.md": """\
---
offered: false
---
""",
    "gemeenten/zwolle/nieuws/2026-01-12-afvalkalender.md": """\
Title: Afvalkalender 2026
Date: 2026-01-12
Summary: De nieuwe afvalkalender staat online.

Bekijk de kalender op de site.
""",
}

DEMO_PASSWORD = "demo"


def write_fixture_tree(root: Path) -> Path:
    """Write the fixture content tree (with the real reference lists) under root."""
    for name in ("upl.csv", "gemeenten.csv"):
        target = root / "reference" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REFERENCE / name, target)
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


@pytest.fixture(scope="session")
def fixture_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The canonical fixture tree, read-only for tests (copy it to change it)."""
    return write_fixture_tree(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="session")
def fixture_files() -> dict[str, str]:
    """The fixture's content files (without reference/): path → canonical text."""
    return dict(FILES)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, fixture_content):  # noqa: ANN001
    """Load the fixture tree and create the demo accounts once per session."""
    with django_db_blocker.unblock():
        call_command("load_content", content=str(fixture_content), stdout=_Null())
        from cms.publishing.demo import create_demo_users

        create_demo_users(DEMO_PASSWORD)


class _Null:
    def write(self, *args: object, **kwargs: object) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.fixture
def users(db):  # noqa: ANN001
    """Demo users by username (landelijk, moderator, utrecht, zwolle, lezer, …)."""
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def groups(db):  # noqa: ANN001
    return {group.name: group for group in Group.objects.all()}


# ---------------------------------------------------------------- admin form data


def _block_data(block, raw):  # noqa: ANN001, ANN202
    """Form data for one block from its raw JSON value (what the editor posts)."""
    from wagtail import blocks

    if isinstance(block, blocks.BaseStreamBlock):
        items = list(raw or [])
        data = {"count": str(len(items))}
        for index, item in enumerate(items):
            data[str(index)] = {
                "type": item["type"], "deleted": "", "order": str(index),
                "id": item.get("id") or "",
                "value": _block_data(block.child_blocks[item["type"]], item["value"]),
            }
        return data
    if isinstance(block, blocks.ListBlock):
        items = [
            item["value"] if isinstance(item, dict) and item.get("type") == "item"
            else item for item in (raw or [])
        ]
        data = {"count": str(len(items))}
        for index, value in enumerate(items):
            data[str(index)] = {"deleted": "", "order": str(index), "id": "",
                                "value": _block_data(block.child_block, value)}
        return data
    if isinstance(block, blocks.StructBlock):
        raw = raw or {}
        return {name: _block_data(child, raw.get(name))
                for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.BooleanBlock):
        return "on" if raw else None
    return "" if raw is None else str(getattr(raw, "pk", raw))


def _flatten(prefix: str, value, out: dict) -> None:  # noqa: ANN001
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(f"{prefix}-{key}", child, out)
    elif value is not None:
        out[prefix] = value


def page_form_data(page) -> dict:  # noqa: ANN001
    """POST data of the page's edit form with its current values, ready to change."""
    from django import forms
    from wagtail.blocks.base import BlockField

    form_class = page.specific_class.get_edit_handler().get_form_class()
    superuser = get_user_model()(is_superuser=True, is_active=True)
    form = form_class(instance=page, for_user=superuser, parent_page=page.get_parent())
    data: dict = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, BlockField):
            raw = getattr(page, name).raw_data if getattr(page, name) else []
            _flatten(name, _block_data(field.block, list(raw)), data)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.MultipleChoiceField):
            data[name] = list(value or [])
        elif isinstance(field, forms.ModelChoiceField):
            data[name] = "" if value is None else str(getattr(value, "pk", value))
        else:
            prepared = field.prepare_value(value)
            data[name] = "" if prepared is None else str(prepared)
    for name in form.formsets:
        for key in ("TOTAL_FORMS", "INITIAL_FORMS"):
            data[f"{name}-{key}"] = "0"
        data[f"{name}-MIN_NUM_FORMS"] = "0"
        data[f"{name}-MAX_NUM_FORMS"] = "1000"
    return data


@pytest.fixture
def form_data():  # noqa: ANN201
    """page_form_data(page) -> POST data of the page's admin edit form."""
    return page_form_data
