"""The floor of `make bench` as a program of its own: bare Jinja2.

`python -m bench.floor ROOT SITES PAGES PAGE_BYTES JOBS` renders PAGES pages
(spread over SITES sites) with one bare Jinja2 template, each about PAGE_BYTES
long, and writes each to ROOT/site<n>/page<m>/index.html, over JOBS forked
processes. It prints the seconds its rendering and writing took, from before
the processes start to after they end. bench.run times the whole program from
its launch, as it times the build: the floor then includes what any program
that renders with Jinja2 pays (starting Python, importing Jinja2), like the
build's time includes its own start-up.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path

import jinja2

TEMPLATE = jinja2.Template(
    '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{{ title }}'
    "</title></head><body><h1>{{ title }}</h1>{{ body }}</body></html>"
)


def body_of(page_bytes: int) -> str:
    """A body that makes a page of about page_bytes."""
    return "<p>" + "x" * max(page_bytes - 200, 0) + "</p>"


def _write_site(args: tuple[Path, int, int, str]) -> int:
    root, site, pages, body = args
    for page in range(pages):
        target = root / f"site{site}" / f"page{page}"
        target.mkdir(parents=True, exist_ok=True)
        html = TEMPLATE.render(title=f"Pagina {page}", body=body)
        (target / "index.html").write_bytes(html.encode())
    return pages


def write_floor(root: Path, sites: int, pages: int, page_bytes: int, jobs: int
                ) -> float:
    """Render and write the pages; the seconds that took."""
    body = body_of(page_bytes)
    per_site = max(pages // sites, 1)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(_write_site, [(root, s, per_site, body) for s in range(sites)])
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    sites, pages, page_bytes, jobs = (int(a) for a in argv[1:5])
    print(f"{write_floor(root, sites, pages, page_bytes, jobs):.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
