"""The export tests' own small catalogue, independent of the seed content.

Five national products, one life event and one gemeente folder (Zwolle) with
local values for every SC field: a digid link, an eHerkenning link, a local title
and summary, local fees and text, and a product it does not offer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REAL_CONTENT = REPO / "content"
ZWOLLE = "GM0193"
UTRECHT = "GM0344"

SECTIONS = """
## Wat is het?

Uitleg over {title}. Lees ook [paspoort](/producten/paspoort-aanvragen/).

## Voorwaarden

- U woont in de gemeente.

## Wat heeft u nodig?

Een geldig identiteitsbewijs.

## Aanvragen

### Online

Vraag het online aan.

## Kosten

Wat het kost, ziet u hieronder.

## Hoe lang duurt het?

Dat ziet u hieronder.

## Geen reactie?

Neem contact op met de gemeente.

## Bezwaar en beroep

U kunt binnen 6 weken bezwaar maken.

## Meer informatie

- [Rijksoverheid](https://www.rijksoverheid.nl)
"""

PRODUCTS = {
    "paspoort-aanvragen": """---
title: Paspoort aanvragen
summary: Vraag een paspoort aan bij de gemeente waar u woont.
upl: [http://standaarden.overheid.nl/owms/terms/paspoort]
audience: [particulier]
channels: [telefoon, balie]
appointment: true
fees:
  set_by: rijk
  year: 2024
  items:
    - label: Paspoort, 18 jaar en ouder
      amount: 82.30
delivery_time: Meestal binnen 6 werkdagen.
related: [rijbewijs-verlengen]
synonyms: [reisdocument]
---
""",
    "rijbewijs-verlengen": """---
title: Rijbewijs verlengen
summary: Verleng uw rijbewijs op tijd bij de gemeente.
upl: [http://standaarden.overheid.nl/owms/terms/rijbewijs]
audience: [particulier]
channels: [online, balie]
fees:
  set_by: gemeente
---
""",
    "rijbewijs-aanvragen": """---
title: Rijbewijs aanvragen
summary: Vraag uw eerste rijbewijs aan na het examen.
upl: [http://standaarden.overheid.nl/owms/terms/rijbewijs]
audience: [particulier]
channels: [balie]
fees:
  set_by: gratis
---
""",
    "terrasvergunning": """---
title: Terrasvergunning
summary: Vraag een vergunning aan voor een terras bij uw horecazaak.
upl: [http://standaarden.overheid.nl/owms/terms/terrasvergunning]
audience: [ondernemer]
channels: [online]
default_offered: false
---
""",
    "evenementenvergunning": """---
title: Evenementenvergunning
summary: Organiseert u een evenement? Vraag dan op tijd een vergunning aan.
upl: [http://standaarden.overheid.nl/owms/terms/evenementenvergunning]
audience: [particulier, ondernemer]
channels: [online, telefoon]
authority: {name: Veiligheidsregio, url: https://www.veiligheidsregio.nl}
---
""",
}

LIFE_EVENT = """---
title: Op reis naar het buitenland
summary: Wat u regelt voordat u naar het buitenland reist.
audience: [particulier]
order: 10
steps:
  - title: Vraag een paspoort aan
    items:
      - product: paspoort-aanvragen
  - title: Verleng uw rijbewijs
    items:
      - product: rijbewijs-verlengen
        text: Kijk of uw rijbewijs nog geldig is.
  - title: Regel uw verzekering
    items:
      - organisation: Uw verzekeraar
        title: Reisverzekering
        url: https://www.rijksoverheid.nl/reizen
  - title: Kijk het reisadvies na
    items:
      - organisation: Ministerie van Buitenlandse Zaken
        title: Reisadvies
        url: https://www.nederlandwereldwijd.nl/reisadvies
---

Gaat u op reis? Regel dit op tijd.
"""

ZWOLLE_YAML = """cbs_code: GM0193
example_data: true
contact:
  phone: "14 038"
"""

ZWOLLE_LOCAL = {
    "rijbewijs-verlengen": """---
offered: true
title: Rijbewijs verlengen in Zwolle
application_url: https://www.zwolle.nl/rijbewijs
login: digid
---
""",
    "terrasvergunning": """---
offered: true
application_url: https://www.zwolle.nl/terras
login: eherkenning
---
""",
    "paspoort-aanvragen": """---
offered: true
example: true
summary: Vraag in Zwolle een paspoort aan in het Stadskantoor.
fees:
  year: 2026
  items:
    - label: Paspoort, 18 jaar en ouder
      amount: 84.00
delivery_time: Binnen 5 werkdagen.
---

## Lokale informatie

Maak eerst een afspraak in het Stadskantoor.
""",
    "evenementenvergunning": """---
offered: false
---
""",
}


def write_content(root: Path) -> Path:
    """Write the fixture content tree under root and return its path."""
    content = root / "content"
    (content / "reference").mkdir(parents=True)
    for name in ("upl.csv", "gemeenten.csv"):
        shutil.copyfile(REAL_CONTENT / "reference" / name, content / "reference" / name)
    (content / "producten").mkdir()
    for slug, front in PRODUCTS.items():
        title = front.split("title: ", 1)[1].split("\n", 1)[0]
        text = front + SECTIONS.format(title=title)
        (content / "producten" / f"{slug}.md").write_text(text, encoding="utf-8")
    (content / "levensgebeurtenissen").mkdir()
    (content / "levensgebeurtenissen" / "op-reis.md").write_text(
        LIFE_EVENT, encoding="utf-8")
    zwolle = content / "gemeenten" / "zwolle"
    (zwolle / "producten").mkdir(parents=True)
    (zwolle / "gemeente.yaml").write_text(ZWOLLE_YAML, encoding="utf-8")
    for slug, text in ZWOLLE_LOCAL.items():
        (zwolle / "producten" / f"{slug}.md").write_text(text, encoding="utf-8")
    return content
