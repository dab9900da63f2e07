"""Reference lists refresh from newer official files, with a report of the impact."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from support import REPO

from samenloket.cli import main
from samenloket.reference import load_gemeenten, parse_tooi_register, slugify_name

SHARED = REPO.parent / "shared" / "standards" / "gemeenten"


def _upl_rows(content: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO((content / "reference/upl.csv").read_text()))
    return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_upl_refresh_reports_added_renamed_withdrawn_and_broken(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A newer UPL is reported (new, renamed, withdrawn, breaks), then installed."""
    fields, rows = _upl_rows(content)
    rows = [r for r in rows if r["UniformeProductnaam"] != "paspoort"]
    for row in rows:
        if row["UniformeProductnaam"] == "identiteitskaart":
            row["UniformeProductnaam"] = "identiteitsbewijs"
    rows.append(
        {
            **rows[0],
            "UniformeProductnaam": "nieuw product",
            "URI": "http://standaarden.overheid.nl/owms/terms/nieuwProduct",
        }
    )
    newer = tmp_path / "UPL-actueel.csv"
    _write_csv(newer, fields, rows)
    assert main(["--content", str(content), "reference", "--upl", str(newer)]) == 0
    out = capsys.readouterr().out
    assert "UPL: 1 nieuw, 1 hernoemd, 1 vervallen" in out
    assert (
        "nieuw product <http://standaarden.overheid.nl/owms/terms/nieuwProduct>" in out
    )
    assert "'identiteitskaart' → 'identiteitsbewijs'" in out
    assert (
        "product paspoort-aanvragen: http://standaarden.overheid.nl/owms/terms/"
        "paspoort vervalt" in out
    )
    assert "product identiteitskaart-aanvragen: UPL-naam" in out
    assert (content / "reference/upl.csv").read_text() == newer.read_text()


def test_broken_upl_file_replaces_nothing(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a UPL export is refused and the current list is kept."""
    before = (content / "reference/upl.csv").read_bytes()
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("naam;uri\npaspoort;x\n", encoding="utf-8")
    assert main(["--content", str(content), "reference", "--upl", str(wrong)]) == 1
    assert "kolommen ontbreken" in capsys.readouterr().err
    assert (content / "reference/upl.csv").read_bytes() == before


def test_gemeenten_refresh_reports_withdrawn_gemeente_with_own_data(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A merger that ends a gemeente with its own folder is reported as breaking."""
    text = (content / "reference/gemeenten.csv").read_text()
    newer = tmp_path / "gemeenten.csv"
    newer.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("GM0193"))
        + "\n"
    )
    assert (
        main(
            [
                "--content",
                str(content),
                "reference",
                "--dry-run",
                "--gemeenten",
                str(newer),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "gemeenten: 0 nieuw, 0 hernoemd, 1 vervallen" in out
    assert "content/gemeenten/zwolle/: GM0193 vervalt" in out
    assert "proefrun" in out
    assert (content / "reference/gemeenten.csv").read_text() == text


@pytest.mark.skipif(
    not (SHARED / "rwc_gemeenten_compleet_4.json").exists(),
    reason="shared standards not present",
)
def test_tooi_register_gives_the_342_current_gemeenten(content: Path) -> None:
    """The official TOOI register converts to exactly the committed list."""
    current = load_gemeenten(REPO / "content" / "reference")
    provinces = {g.province_code: g.province for g in current.values()}
    rows = parse_tooi_register(
        (SHARED / "rwc_gemeenten_compleet_4.json").read_text(), provinces, "tooi"
    )
    live = {r["cbs_code"]: r for r in rows if not r["einddatum"]}
    assert len(current) == 342 and set(live) == set(current)
    assert all(live[c]["owms_uri"] == g.owms_uri for c, g in current.items())
    assert current["GM0344"].owms_uri.endswith("/Utrecht_(gemeente)")
    assert current["GM0363"].owms_uri.endswith("/Amsterdam")


def test_gemeente_slugs_are_unique_and_readable() -> None:
    """Slugs come from the preferred name and never collide."""
    gemeenten = load_gemeenten(REPO / "content" / "reference")
    slugs = [g.slug for g in gemeenten.values()]
    assert len(set(slugs)) == len(slugs) == 342
    assert slugify_name("Súdwest-Fryslân") == "sudwest-fryslan"
    assert slugify_name("'s-Hertogenbosch") == "s-hertogenbosch"
