"""Valid HTML and CSS: the Nu Html Checker (vnu.jar from npm) over every page of
the fixture build, and over a sample of the real build (one run each: the
checker takes seconds to start)."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from frontend_support import VNU_JAR, java, missing_tool_message

# Sites of the real build checked in full: the pilots and a few base-theme sites.
REAL_SAMPLE_SITES = ("utrecht", "zwolle", "schiermonnikoog")
REAL_RANDOM_SITES = 3


def html_pages(root: Path) -> list[Path]:
    """Every generated HTML page (not the search engine's own files)."""
    return sorted(p for p in root.rglob("*.html") if "zoekindex" not in p.parts)


def run_vnu(files: list[Path]) -> list[str]:
    """Errors and warnings of one vnu run over files, as 'file:line: message'."""
    if not VNU_JAR.is_file():
        pytest.fail(missing_tool_message(VNU_JAR))
    if java() is None:
        pytest.fail("java ontbreekt: vnu.jar heeft Java 11 of nieuwer nodig")
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--format", "json", "--also-check-css",
         *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}"
            for m in messages if m["type"] in ("error", "info") and
            (m["type"] == "error" or m.get("subType") == "warning")]


def test_fixture_pages_are_valid(frontend_site: Path) -> None:
    """Every page and stylesheet of the four-theme fixture build passes vnu."""
    files = html_pages(frontend_site)
    files += sorted(frontend_site.glob("*/static/css/*.css"))
    assert len(files) > 50
    problems = run_vnu(files)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_real_build_sample_is_valid(real_site: Path) -> None:
    """All pages of the pilot sites and of a few random base-theme sites pass vnu."""
    sites = sorted(p.name for p in real_site.iterdir()
                   if p.is_dir() and (p / "index.html").is_file())
    others = [s for s in sites if s not in REAL_SAMPLE_SITES]
    sample = [*REAL_SAMPLE_SITES, *random.Random(342).sample(others, REAL_RANDOM_SITES)]
    files = [page for slug in sample for page in html_pages(real_site / slug)]
    files += sorted(real_site.glob("utrecht/static/css/*.css"))
    problems = run_vnu(files)
    assert not problems, "\n".join(problems[:50])
