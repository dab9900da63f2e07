"""The samenloket command: check, dump and the plain-language report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, THEMES, edit

from samenloket.cli import main
from samenloket.loader import load_catalogue
from samenloket.textquality import product_reports


def test_check_prints_summary(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--content", str(content), "--themes", str(THEMES), "check"]) == 0
    out = capsys.readouterr().out
    assert "producten:            3" in out and "De content is in orde." in out


def test_check_fails_with_report(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken file makes check exit 1 with the error on stderr."""
    edit(
        content / "producten/paspoort-aanvragen.md",
        "audience: [particulier]",
        "audience: [burgers]",
    )
    assert main(["--content", str(content), "check"]) == 1
    err = capsys.readouterr().err
    assert "paspoort-aanvragen.md:6 [audience.0]" in err
    assert "er is niets geschreven" in err


def test_dump_is_canonical_json(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dump gives the same bytes twice and round-trips through the model."""
    assert main(["--content", str(content), "dump"]) == 0
    first = capsys.readouterr().out
    assert main(["--content", str(content), "dump"]) == 0
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert set(data) == {
        "settings",
        "products",
        "life_events",
        "gemeenten",
        "profiles",
        "upl",
    }
    assert (
        data["products"]["paspoort-aanvragen"]["fees"]["items"][0]["amount"] == "82.30"
    )


def test_dump_one_gemeente(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--content", str(content), "dump", "--gemeente", "gm0193"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["gemeenten"]) == ["GM0193"] and list(data["profiles"]) == [
        "GM0193"
    ]


def test_report_flags_placeholders_and_long_sentences(content: Path) -> None:
    """The report catches opvultekst, long sentences and dead internal links."""
    edit(
        content / "producten/grofvuil-ophalen.md",
        "U woont in de gemeente.",
        "Lorem ipsum. " + " ".join(["woord"] * 40) + ". Zie /producten/bestaat-niet/.",
    )
    edit(
        content / "producten/grofvuil-ophalen.md",
        "Vraag de gemeente naar de milieustraat.",
        "Zie [de milieustraat](/producten/milieustraat/).",
    )
    catalogue = load_catalogue(content)
    report = {r.slug: r for r in product_reports(catalogue)}["grofvuil-ophalen"]
    problems = "\n".join(report.problems)
    assert "opvultekst" in problems
    assert "interne link /producten/milieustraat/ bestaat niet" in problems
    assert not {r.slug: r for r in product_reports(catalogue)}[
        "paspoort-aanvragen"
    ].problems


def test_seed_catalogue_is_complete_and_readable() -> None:
    """The real catalogue passes check and the report, with the promised counts."""
    catalogue = load_catalogue(REPO / "content", themes_dir=THEMES)
    assert len(catalogue.products) >= 60 and len(catalogue.life_events) >= 12
    assert len(catalogue.gemeenten) == 342
    for code in ("GM0344", "GM0193", "GM0088"):
        profile = catalogue.profiles[code]
        assert len(profile.news) >= 3 and profile.example_data
        assert all(p.example for p in profile.products.values() if p.offered)
    failing = [r for r in product_reports(catalogue) if not r.ok]
    assert not failing, [(r.slug, r.problems) for r in failing]
    for event in catalogue.life_events.values():
        assert 4 <= len(event.steps) <= 10
        assert any(not hasattr(i, "product") for s in event.steps for i in s.items), (
            f"{event.slug} has no other organisation: a wrong door"
        )


def test_command_exits_with_its_code_and_all_output(content: Path) -> None:
    """The installed command ends without tearing Python down (exit_now): what
    it printed into a pipe still arrives whole, and its exit code is kept."""
    command = [sys.executable, "-c", "from samenloket.cli import run; run()",
               "--content", str(content), "--themes", str(THEMES)]
    dumped = subprocess.run([*command, "dump"], capture_output=True, cwd=REPO)
    assert dumped.returncode == 0
    assert set(json.loads(dumped.stdout)) >= {"products", "gemeenten"}
    edit(content / "producten/paspoort-aanvragen.md",
         "audience: [particulier]", "audience: [burgers]")
    checked = subprocess.run([*command, "check"], capture_output=True, cwd=REPO,
                             text=True)
    assert checked.returncode == 1
    assert "paspoort-aanvragen.md:6 [audience.0]" in checked.stderr
