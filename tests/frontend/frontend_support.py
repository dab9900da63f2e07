"""Helpers for the front-end tests: a static server that sends each site's
`_headers` (so the CSP is enforced in Chromium), Debian's Chromium through
Playwright, and the paths of the npm tools (axe-core, vnu.jar)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support import FIXTURE_CONTENT, THEMES

from samenloket.loader import load_catalogue
from sitegen.build import BuildOptions, BuildSummary, build_sites
from sitegen.localserve import make_server

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The fixture has Zwolle (own theme); here Utrecht and Schiermonnikoog get
# their pilot themes and Amersfoort the base theme, each with news.
THEME_SITES = {"utrecht": "utrecht", "zwolle": "zwolle",
               "schiermonnikoog": "schiermonnikoog", "base": "amersfoort"}
AMERSFOORT = ("GM0307,gm0307,Amersfoort,Amersfoort,PV26,Utrecht,"
              "http://standaarden.overheid.nl/owms/terms/Amersfoort_(gemeente),"
              "https://identifier.overheid.nl/tooi/id/gemeente/gm0307,,\n")
EXTRA_GEMEENTEN = {
    "utrecht": """cbs_code: GM0344
theme: utrecht
example_data: true
contact:
  phone: "14 030"
  phone_hours: Maandag tot en met vrijdag van 9.00 tot 17.00 uur
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
    opening_hours:
      - {day: maandag, open: "09:00", close: "17:00"}
top_tasks: [paspoort-aanvragen, identiteitskaart-aanvragen, grofvuil-ophalen]
""",
    "schiermonnikoog": """cbs_code: GM0088
theme: schiermonnikoog
contact:
  phone: "(0519) 53 50 50"
  email: info@example.nl
locations:
  - name: Gemeentehuis
    address: Nieuweweg 22
    postcode: 9166 NA
    city: Schiermonnikoog
""",
    "amersfoort": """cbs_code: GM0307
theme: base
contact:
  website: https://www.amersfoort.nl
""",
}
NEWS = """Title: {title}
Date: 2026-04-20
Summary: Het gemeentehuis is dicht op Koningsdag.

Op maandag 27 april is het gemeentehuis dicht. Een paspoort ophalen kan een dag later.
"""
UTRECHT_PASPOORT = """---
offered: true
title: Paspoort aanvragen in Utrecht
---

## Lokale informatie
U vraagt uw paspoort aan in het Stadskantoor naast station Utrecht Centraal.
"""


def make_frontend_content(target: Path) -> Path:
    """The fixture content plus pilot themes, a base-theme gemeente and news."""
    shutil.copytree(FIXTURE_CONTENT, target)
    with (target / "reference/gemeenten.csv").open("a", encoding="utf-8") as csv:
        csv.write(AMERSFOORT)
    for slug, yaml in EXTRA_GEMEENTEN.items():
        folder = target / "gemeenten" / slug
        (folder / "nieuws").mkdir(parents=True)
        (folder / "gemeente.yaml").write_text(yaml, encoding="utf-8")
        (folder / "nieuws/2026-04-20-koningsdag.md").write_text(
            NEWS.format(title=f"Gemeentehuis {slug} dicht op Koningsdag"),
            encoding="utf-8")
    products = target / "gemeenten/utrecht/producten"
    products.mkdir()
    (products / "paspoort-aanvragen.md").write_text(UTRECHT_PASPOORT, encoding="utf-8")
    return target


def build(content: Path, out: Path, jobs: int = 2, **options: object) -> BuildSummary:
    """Load content and build every site into out (search included)."""
    catalogue = load_catalogue(content, themes_dir=THEMES)
    return build_sites(catalogue, BuildOptions(content_dir=content, themes_dir=THEMES,
                                               output_dir=out, jobs=jobs, **options))


def missing_tool_message(path: Path) -> str:
    return (f"{path} ontbreekt: installeer de testhulpmiddelen met "
            "'make frontend-deps' (npm ci) en Chromium met 'make browser'")


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve root as `samenloket serve` does (sitegen.localserve: each site's
    `_headers`, its CSP included) on a free local port; yields the URL."""
    server = make_server(root, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def java() -> str | None:
    return shutil.which("java")
