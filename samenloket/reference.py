"""Reference lists: the UPL and the gemeenten, read from official files.

`content/reference/` keeps a copy of each list in the official export's own format
(UPL-actueel.csv as published; the gemeenten as a CSV derived from the TOOI
register). `refresh_*` replaces those copies from a newer official file without any
code change and reports what was added, renamed or withdrawn.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Gemeente, Link, UplEntry

UPL_FILE = "upl.csv"
GEMEENTEN_FILE = "gemeenten.csv"
UPL_COLUMNS = ("UniformeProductnaam", "URI", "Gemeente", "Burger", "Bedrijf")
GEMEENTEN_COLUMNS = (
    "cbs_code",
    "tooi_code",
    "naam",
    "voorkeursnaam",
    "provincie_code",
    "provincie",
    "owms_uri",
    "tooi_uri",
    "begindatum",
    "einddatum",
)
_TOOI = "https://identifier.overheid.nl/tooi/def/ont/"


class ReferenceError(ValueError):
    """An official file that cannot be used, with what to do about it."""


def slugify_name(name: str) -> str:
    """URL slug of a gemeente's name ('Súdwest-Fryslân' → 'sudwest-fryslan')."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _https(url: str) -> str:
    return "https://" + url[len("http://") :] if url.startswith("http://") else url


# ---------------------------------------------------------------- UPL


def parse_upl_csv(text: str, source: str = UPL_FILE) -> dict[str, UplEntry]:
    """Parse UPL-actueel.csv: one row per (product, legal basis), merged by URI."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in UPL_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceError(
            f"{source}: kolommen ontbreken: {', '.join(missing)}. Gebruik de export "
            "UPL-actueel.csv van standaarden.overheid.nl (met kopregel)."
        )
    merged: dict[str, dict] = {}
    for row in reader:
        uri = (row.get("URI") or "").strip()
        label = (row.get("UniformeProductnaam") or "").strip()
        if not uri or not label:
            continue
        entry = merged.setdefault(
            uri,
            {
                "uri": uri,
                "label": label,
                "gemeente": False,
                "burger": False,
                "bedrijf": False,
                "legal_basis": [],
            },
        )
        entry["gemeente"] |= (row.get("Gemeente") or "").strip() == "X"
        entry["burger"] |= (row.get("Burger") or "").strip() == "X"
        entry["bedrijf"] |= (row.get("Bedrijf") or "").strip() == "X"
        basis_label = (row.get("Grondslaglabel") or "").strip()
        basis_link = _https((row.get("Grondslaglink") or "").strip())
        if basis_label and basis_link.startswith("https://"):
            link = {"label": basis_label, "url": basis_link}
            if link not in entry["legal_basis"]:
                entry["legal_basis"].append(link)
    if not merged:
        raise ReferenceError(f"{source}: geen enkele productnaam gevonden.")
    return {
        uri: UplEntry(
            **{**e, "legal_basis": tuple(Link(**b) for b in e["legal_basis"])}
        )
        for uri, e in merged.items()
    }


# ---------------------------------------------------------------- gemeenten


def _gemeente_from_row(row: dict[str, str]) -> Gemeente:
    display = row["voorkeursnaam"] or row["naam"]
    return Gemeente(
        cbs_code=row["cbs_code"],
        tooi_code=row["tooi_code"],
        name=row["naam"],
        display_name=display,
        province_code=row["provincie_code"],
        province=row["provincie"],
        owms_uri=row["owms_uri"].strip(),
        tooi_uri=row["tooi_uri"],
        slug=slugify_name(display),
    )


def parse_gemeenten_csv(text: str, source: str = GEMEENTEN_FILE) -> dict[str, Gemeente]:
    """Parse the gemeenten CSV; rows with an einddatum (dissolved) are skipped."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in GEMEENTEN_COLUMNS[:8] if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceError(f"{source}: kolommen ontbreken: {', '.join(missing)}.")
    result: dict[str, Gemeente] = {}
    for row in reader:
        if (row.get("einddatum") or "").strip():
            continue
        gemeente = _gemeente_from_row(row)
        result[gemeente.cbs_code] = gemeente
    if not result:
        raise ReferenceError(f"{source}: geen enkele huidige gemeente gevonden.")
    return result


def _first(record: dict, key: str) -> str:
    values = record.get(_TOOI + key) or []
    return str(values[0].get("@value", values[0].get("@id", ""))) if values else ""


def parse_tooi_register(
    text: str, provinces: dict[str, str], source: str
) -> list[dict[str, str]]:
    """Rows of the gemeenten CSV from the TOOI 'rwc_gemeenten_compleet' JSON-LD."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceError(f"{source}: geen geldige JSON ({exc}).") from None
    records = data.get("@graph", []) if isinstance(data, dict) else data
    rows = []
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict) or not _first(record, "organisatiecode"):
            continue
        code = _first(record, "organisatiecode")
        prov_uri = (record.get(_TOOI + "ligtInProvincie") or [{}])[0].get("@id", "")
        prov_code = prov_uri.rsplit("/", 1)[-1].upper()
        rows.append(
            {
                "cbs_code": code.upper(),
                "tooi_code": code,
                "naam": _first(record, "officieleNaamExclSoort"),
                "voorkeursnaam": _first(record, "voorkeursnaamExclSoort"),
                "provincie_code": prov_code,
                "provincie": provinces.get(prov_code, ""),
                "owms_uri": _first(record, "owmsId").strip(),
                "tooi_uri": record.get("@id", ""),
                "begindatum": _first(record, "begindatum")[:10],
                "einddatum": _first(record, "einddatum")[:10],
            }
        )
    if not rows:
        raise ReferenceError(
            f"{source}: geen gemeenten gevonden. Verwacht het TOOI-register "
            "rwc_gemeenten_compleet (JSON-LD) of een CSV met de kolommen "
            + ", ".join(GEMEENTEN_COLUMNS)
        )
    return sorted(rows, key=lambda r: (r["naam"].lower(), r["cbs_code"]))


def rows_to_csv(rows: Iterable[dict[str, str]], columns: Iterable[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------- files


def load_upl(reference_dir: Path) -> dict[str, UplEntry]:
    path = reference_dir / UPL_FILE
    return parse_upl_csv(path.read_text(encoding="utf-8"), str(path))


def load_gemeenten(reference_dir: Path) -> dict[str, Gemeente]:
    path = reference_dir / GEMEENTEN_FILE
    return parse_gemeenten_csv(path.read_text(encoding="utf-8"), str(path))


def write_atomic(path: Path, text: str) -> None:
    """Replace a file in one step, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class RefreshReport:
    """What a newer official list changes, and which catalogue entries it breaks."""

    kind: str
    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def format(self) -> str:
        lines = [
            f"{self.kind}: {len(self.added)} nieuw, {len(self.renamed)} hernoemd, "
            f"{len(self.withdrawn)} vervallen"
        ]
        for title, items in (
            ("nieuw", self.added),
            ("hernoemd", self.renamed),
            ("vervallen", self.withdrawn),
            ("catalogus breekt", self.broken),
        ):
            lines += [f"  {title}: {item}" for item in items]
        return "\n".join(lines)


def diff_upl(old: dict[str, UplEntry], new: dict[str, UplEntry]) -> RefreshReport:
    report = RefreshReport("UPL")
    report.added = [f"{new[u].label} <{u}>" for u in sorted(set(new) - set(old))]
    report.withdrawn = [f"{old[u].label} <{u}>" for u in sorted(set(old) - set(new))]
    report.renamed = [
        f"<{u}>: '{old[u].label}' → '{new[u].label}'"
        for u in sorted(set(old) & set(new))
        if old[u].label != new[u].label
    ]
    return report


def diff_gemeenten(old: dict[str, Gemeente], new: dict[str, Gemeente]) -> RefreshReport:
    report = RefreshReport("gemeenten")
    report.added = [f"{c} {new[c].name}" for c in sorted(set(new) - set(old))]
    report.withdrawn = [f"{c} {old[c].name}" for c in sorted(set(old) - set(new))]
    for code in sorted(set(old) & set(new)):
        before, after = old[code], new[code]
        for attr in ("name", "display_name", "owms_uri"):
            if getattr(before, attr) != getattr(after, attr):
                report.renamed.append(
                    f"{code} {attr}: '{getattr(before, attr)}' → "
                    f"'{getattr(after, attr)}'"
                )
    return report


def read_new_gemeenten(
    path: Path, current: dict[str, Gemeente], provinces_path: Path | None = None
) -> str:
    """CSV text for content/reference/gemeenten.csv from a newer official file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        parse_gemeenten_csv(text, str(path))  # validates before anything is written
        return text
    provinces = {g.province_code: g.province for g in current.values()}
    if provinces_path is not None:
        for row in parse_tooi_register(
            provinces_path.read_text(encoding="utf-8"), {}, str(provinces_path)
        ):
            provinces[row["cbs_code"]] = row["naam"]
    rows = parse_tooi_register(text, provinces, str(path))
    unknown = sorted({r["provincie_code"] for r in rows if not r["provincie"]})
    if unknown:
        raise ReferenceError(
            f"{path}: onbekende provincie(s) {', '.join(unknown)}. Geef ook het "
            "provincieregister mee met --provincies."
        )
    return rows_to_csv(rows, GEMEENTEN_COLUMNS)
