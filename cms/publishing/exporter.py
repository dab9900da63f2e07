"""`export_content`: the published CMS content written as content files.

The catalogue goes through samenloket/writer.py (the canonical form); the reference
lists are written back exactly as they were loaded.
"""

from __future__ import annotations

from pathlib import Path

from cms.base.models import ReferenceList
from samenloket.reference import write_atomic
from samenloket.writer import write_catalogue

from .catalogue import catalogue_from_cms


def export_content(out_dir: Path) -> list[str]:
    """Write everything into out_dir; return the relative paths that changed."""
    out_dir = Path(out_dir)
    changed = write_catalogue(catalogue_from_cms(), out_dir)
    for row in ReferenceList.objects.order_by("name"):
        path = out_dir / "reference" / row.name
        if path.is_file() and path.read_bytes() == row.text.encode("utf-8"):
            continue
        write_atomic(path, row.text)
        changed.append(f"reference/{row.name}")
    return changed
