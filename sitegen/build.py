"""Build all gemeente sites: shared work once, parallel, incremental, atomic.

The catalogue is loaded and every national text rendered once in the parent
process; worker processes (forked, so they share that work) each stage whole
sites. Sites that differ only in their gemeente's identity are rendered once per
shape and filled in (sitegen.shapes). A site built from the very inputs of this
build is not looked at; otherwise a page is only rendered when its dependency
fingerprint changed, and only written when its bytes changed; in the SC feed and
open data only the entries of products whose inputs changed are made again
(exports.pieces). A site's search index files are staged with its pages.
Nothing goes live until every site has staged without error; then each changed
site is swapped in with one rename.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sys
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import jinja2

from exports import ExportPiece
from exports.sc_feed import default_modified
from samenloket.markdown import remember_html
from samenloket.model import SECTIONS, WEEKDAYS, Catalogue
from samenloket.resolve import profile_for
from samenloket.stamp import dialled, web_address, with_values

from .budget import budget_errors
from .deps import DependencyIndex, export_keys, inputs_digest
from .hosting import (
    NGINX_SAMPLE_PATH,
    HostingError,
    nginx_config,
    security_txt_expires,
)
from .markup import date_nl, euro, render_markdown, site_markdown
from .output import (
    RETIRED_DIR,
    STAGING_DIR,
    STATE_FORMAT,
    Output,
    OutputTree,
    SiteChange,
    SiteState,
    content_hash,
    intact,
    purge_retired,
)
from .search import (
    SEARCH_DIR,
    SEARCH_ENTRIES,
    LocalBundle,
    NationalBuild,
    NationalBundle,
    SearchSummary,
    ensure_local_bundle,
    forget_unused_bundles,
    pagefind_version,
    record_search,
    site_search_links,
)
from .shapes import (
    ExportShape,
    SiteShape,
    plan_export_shapes,
    plan_shapes,
    search_groups,
)
from .site import PageSpec, SiteInfo, site_pages
from .template_cache import template_cache
from .themes import Theme, ThemeError, load_theme
from .workers import WorkerError, collector_paused, run_forked

PACKAGE_DIR = Path(__file__).resolve().parent
SECTION_ANCHORS = {
    "what_it_is": "wat-is-het",
    "conditions": "voorwaarden",
    "evidence": "wat-heeft-u-nodig",
    "procedure": "aanvragen",
    "costs": "kosten",
    "term": "hoe-lang-duurt-het",
    "no_response": "geen-reactie",
    "objection": "bezwaar-en-beroep",
    "more_info": "meer-informatie",
}
AUDIENCE_NL = {"particulier": "inwoners", "ondernemer": "ondernemers"}


class BuildError(Exception):
    """A build that failed; the message names the gemeente and the file."""


@dataclass
class BuildOptions:
    content_dir: Path = Path("content")
    themes_dir: Path = Path("themes")
    output_dir: Path = Path("public")
    gemeenten: list[str] | None = None
    jobs: int = 0
    progress: bool = False
    jinja_environment: dict[str, Any] = field(default_factory=dict)
    search: bool = True  # build the Pagefind indexes (sitegen/search.py)
    # Render sites that differ only in the gemeente's identity once and fill them
    # in (sitegen/shapes.py); False renders every site in full (the same bytes).
    shapes: bool = True


@dataclass
class BuildSummary:
    sites: int = 0
    sites_changed: int = 0
    pages: int = 0
    pages_rendered: int = 0
    pages_stamped: int = 0  # of pages_rendered: filled in from a shape (shapes.py)
    pages_written: int = 0
    pages_removed: int = 0
    export_pieces_rendered: int = 0  # product entries of SC feeds and open data
    seconds: float = 0.0
    written: dict[str, list[str]] = field(default_factory=dict)
    search: SearchSummary | None = None

    @property
    def pages_unchanged(self) -> int:
        return self.pages - self.pages_written

    def format(self) -> str:
        return (
            f"{self.sites} sites ({self.sites_changed} gewijzigd), {self.pages} "
            f"bestanden: {self.pages_written} geschreven, {self.pages_unchanged} "
            f"ongewijzigd, {self.pages_removed} verwijderd; "
            f"{self.pages_rendered} pagina's opnieuw gemaakt "
            f"({self.pages_stamped} ingevuld vanuit een gedeelde vorm, "
            f"{self.export_pieces_rendered} productstukken in SC-feeds en open data "
            "opnieuw opgemaakt); "
            f"{self.seconds:.1f} s"
            + (f"\n{self.search.format()}" if self.search else "")
        )


# Files of the code folders that shape the output (the themes count whole).
_CODE_SUFFIXES = frozenset({".py", ".html", ".xml", ".txt", ".css", ".json", ".yaml",
                            ".xsd"})


def code_version(themes_dir: Path) -> str:
    """Hash of the code and templates that shape every page, and of every file of
    every theme: a theme's script, image or font goes into the sites as it is,
    so a change to any of them must make the build look at the sites again."""
    digest = hashlib.blake2b(digest_size=16)
    roots = [
        (PACKAGE_DIR, _CODE_SUFFIXES),
        (PACKAGE_DIR.parent / "exports", _CODE_SUFFIXES),
        (PACKAGE_DIR.parent / "samenloket", _CODE_SUFFIXES),
        (themes_dir, None),
    ]
    for root, suffixes in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and (suffixes is None or path.suffix in suffixes)
            ):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class Renderer:
    """Jinja environments per theme (loader chain: gemeente theme → base)."""

    def __init__(self, catalogue: Catalogue, jinja_options: dict[str, Any],
                 code: str | None = None):
        """`code`: the build's code_version, to keep the compiled templates
        between builds (see sitegen.template_cache); None compiles afresh."""
        self.catalogue = catalogue
        self.options = {"trim_blocks": True, "lstrip_blocks": True, **jinja_options}
        self._envs: dict[tuple[Path, ...], jinja2.Environment] = {}
        self._code = code

    def env(self, theme: Theme) -> jinja2.Environment:
        key = tuple(theme.template_dirs)
        env = self._envs.get(key)
        if env is None:
            folders = tuple(str(p) for p in key)
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(folders),
                autoescape=jinja2.select_autoescape(["html", "xml"]),
                undefined=jinja2.StrictUndefined,
                bytecode_cache=(template_cache(self._code, self.options, folders)
                                if self._code else None),
                **self.options,
            )
            env.globals["site_markdown"] = site_markdown
            env.filters.update(
                markdown=render_markdown,
                euro=euro,
                date_nl=date_nl,
                audience_nl=AUDIENCE_NL.get,
                dialled=dialled,  # a phone number in a tel: link
                web_address=web_address,  # a website as text
            )
            env.globals.update(
                sections=SECTIONS,
                anchors=SECTION_ANCHORS,
                weekdays=WEEKDAYS,
                national=self.catalogue.products,
            )
            self._envs[key] = env
        return env


# State shared with forked workers (set in the parent before the pool starts).
_JOB: dict[str, Any] = {}


@lru_cache(maxsize=64)
def _theme_assets(
    static_dirs: tuple[Path, ...], version: str
) -> tuple[dict[str, bytes], dict[str, str], str]:
    """A theme chain's static files, their hashes and one hash of them all.

    Read once per worker and `version` (a build's code_version, which covers
    every theme file): the 339 gemeenten on the base theme share them, and a
    process that builds again after a theme file changed reads them again.
    """
    files: dict[str, bytes] = {}
    for directory in reversed(static_dirs):  # most specific theme wins
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                files["static/" + str(path.relative_to(directory))] = path.read_bytes()
    hashes = {path: content_hash(data) for path, data in files.items()}
    return files, hashes, content_hash("".join(sorted(hashes.values())).encode())


def _files_version(directories: Iterable[Path]) -> str:
    """Names, sizes and times of the files below some folders, as one string."""
    stats = [(str(path), stat.st_size, stat.st_mtime_ns)
             for directory in directories if directory.is_dir()
             for path in sorted(directory.rglob("*")) if path.is_file()
             for stat in (path.stat(),)]
    return hashlib.blake2b(repr(stats).encode(), digest_size=16).hexdigest()


def static_files(theme: Theme) -> dict[str, bytes]:
    """CSS and assets: shared components, the gemeente's tokens, logo and fonts
    (as they are on disk now: the preview server runs for hours)."""
    files, _, _ = _theme_assets(tuple(theme.static_dirs),
                                _files_version(theme.static_dirs))
    return {**files, "static/css/thema.css": theme.css.encode("utf-8")}


def theme_for(catalogue: Catalogue, themes_dir: Path, cbs: str) -> Theme:
    profile = profile_for(catalogue, cbs)
    seed = cbs if profile.theme == catalogue.settings.default_theme else None
    try:
        return load_theme(profile.theme, themes_dir, accent_seed=seed)
    except ThemeError as exc:
        name = catalogue.gemeenten[cbs].display_name
        raise BuildError(
            f"gemeente {name} ({cbs}): thema '{profile.theme}': {exc}"
        ) from None


@dataclass
class SiteResult:
    """What staging one site gave: the change, and counts for the summary."""

    change: SiteChange
    files: int
    rendered: int
    budget: list[str] = field(default_factory=list)  # weight limits broken
    export_pieces: int = 0  # product pieces of the exports rendered (not reused)
    stamped: int = 0  # of the rendered pages, those filled in from a shared shape
    local_key: str | None = None  # the site's local search bundle (None: no search)
    local_built: bool = False
    local_pages: int = 0
    search_seconds: float = 0.0

    @property
    def search_changed(self) -> bool:
        return any(span.stop > span.start
                   for span in map(_search_span, (self.change.written,
                                                  self.change.removed)))


def _is_search(path: str) -> bool:
    return path.startswith(SEARCH_DIR + "/")


_SEARCH_FIRST, _SEARCH_AFTER = SEARCH_DIR + "/", SEARCH_DIR + "0"  # "0" follows "/"


def _search_span(paths: list[str]) -> slice:
    """Where the search index files are in a sorted list of site paths (they
    sort together): found by bisection, as the lists hold every file of a site."""
    return slice(bisect_left(paths, _SEARCH_FIRST), bisect_left(paths, _SEARCH_AFTER))


def _without_search(paths: list[str]) -> list[str]:
    """A sorted list of site paths without the search index files."""
    span = _search_span(paths)
    return paths[:span.start] + paths[span.stop:]


def stage_site(cbs: str) -> SiteResult:
    """Render what changed in one site, with its search index, and stage it."""
    catalogue: Catalogue = _JOB["catalogue"]
    tree: OutputTree = _JOB["tree"]
    unchanged = _unchanged_site(tree, catalogue.gemeenten[cbs].slug)
    if unchanged is not None:
        return unchanged
    context = _site_context(cbs)
    theme, site, shape = context.theme, context.site, context.shape
    slug = site.slug
    state = tree.load_state(slug)
    live_dir = f"{tree.live(slug)}/"  # plain strings: these checks run for every file
    stamped_before = shape.stamped if shape is not None else 0
    export_shape = site.export_shape
    exports_before = export_shape.stamped if export_shape is not None else 0
    outputs, fingerprints, rendered = _render_pages(context, state, live_dir)
    for path, data in context.statics.items():
        digest = fingerprints[path] = context.hashes[path]
        old = state.pages.get(path)
        unchanged = old is not None and old == (digest, digest)
        outputs[path] = (None if unchanged and intact(live_dir + path, state.built_ns)
                         else data)
    result = SiteResult(SiteChange(slug, None, state, [], [], 0), 0, rendered)
    if shape is not None:
        result.stamped = shape.stamped - stamped_before
    if export_shape is not None:
        result.stamped += export_shape.stamped - exports_before
    if "exports" in site.__dict__:
        result.export_pieces = sum(e.rendered for e in site.exports.values())
    extra: dict[str, object] = {"exports": export_pieces(site, state, outputs)}
    result.files = len(outputs)  # pages and assets: the search files come next
    if _JOB.get("national") is not None:
        _add_search(result, site, state, theme, outputs, fingerprints, extra)
    change = tree.stage(slug, state, outputs, fingerprints, extra)
    result.budget = budget_errors(  # weights (budget.py)
        [change], outputs, shape.refs if shape is not None else None)
    result.change = tree.prepare(change)
    return result


@dataclass
class _SiteContext:
    """One site with its theme and shape, ready to render."""

    theme: Theme
    site: SiteInfo
    statics: dict[str, bytes]  # the theme's files, as they go into the site
    hashes: dict[str, str]  # their content hashes
    theme_hash: str
    shape: SiteShape | None
    values: tuple[bytes, ...]


def _site_context(cbs: str) -> _SiteContext:
    catalogue: Catalogue = _JOB["catalogue"]
    index: DependencyIndex = _JOB["index"]
    theme = _JOB["themes"].get(cbs) or theme_for(catalogue, _JOB["themes_dir"], cbs)
    shared, hashes, shared_hash = _theme_assets(tuple(theme.static_dirs),
                                                index.code_version)
    css = theme.css.encode("utf-8")
    statics = {**shared, "static/css/thema.css": css}
    hashes = {**hashes, "static/css/thema.css": content_hash(css)}
    theme_hash = content_hash(
        (shared_hash + hashes["static/css/thema.css"] + repr(theme.settings)).encode()
    )
    index.register(("theme", cbs), theme_hash)
    logo = theme.settings.get("logo")
    site = SiteInfo(catalogue, cbs, theme.name, logo=f"static/{logo}" if logo else None)
    shape, values = _shape_of(site)
    site.export_keys = (partial(shape.export_keys, site, index) if shape is not None
                        else partial(export_keys, index, cbs))
    site.export_shape = _export_shape_of(site)
    return _SiteContext(theme, site, statics, hashes, theme_hash, shape, values)


def _render_pages(context: _SiteContext, state: SiteState, live_dir: str
                  ) -> tuple[dict[str, Output], dict[str, str], int]:
    """The site's pages whose inputs changed since the live version (others None),
    every page's fingerprint, and how many were rendered."""
    site, shape = context.site, context.shape
    index: DependencyIndex = _JOB["index"]
    site.export_previous = lambda: previous_exports(state, Path(live_dir))
    outputs: dict[str, Output] = {}
    fingerprints: dict[str, str] = {}
    rendered = 0
    env = None
    for path, fingerprint, make in _page_plan(site, index, shape, context.values,
                                              context.theme_hash):
        fingerprints[path] = fingerprint
        old = state.pages.get(path)
        if (old is not None and old[0] == fingerprint
                and intact(live_dir + path, state.built_ns)):
            outputs[path] = None
            continue
        env = env or _JOB["renderer"].env(context.theme)
        outputs[path] = make(env)
        rendered += 1
    return outputs, fingerprints, rendered


def _preload_themes(codes: list[str], stop: Callable[[], bool]) -> None:
    """Load the sites' themes (~0.2 ms each) while the parent waits for the
    national helper anyway, until `stop()` says it is done: the workers
    inherit them instead of loading them. A theme that fails is left to the
    site's staging, which reports it naming the gemeente."""
    catalogue: Catalogue = _JOB["catalogue"]
    themes: dict[str, Theme] = _JOB["themes"]
    for cbs in codes:
        if stop():
            return
        try:
            themes[cbs] = theme_for(catalogue, _JOB["themes_dir"], cbs)
        except Exception:  # noqa: BLE001 - reported per site, with its gemeente
            continue


def _prime_shapes(codes: list[str]) -> None:
    """Make the stamps of every shape that several workers share, before they
    fork: each would otherwise render and check the shape's first site itself.

    The first site of such a shape is rendered as its worker will (only what
    changed since its live version) and thrown away; the worker then fills it
    in like every other site. A failure is left to that site's staging, which
    reports it naming the gemeente.
    """
    tree: OutputTree = _JOB["tree"]
    sizes = Counter(_JOB["shapes"].values())
    primed: set[str] = set()
    for cbs in codes:
        key = _JOB["shapes"].get(cbs)
        if key is None or key in primed or sizes[key] <= SMALL_SHAPE:
            continue
        primed.add(key)
        try:
            context = _site_context(cbs)
            slug = context.site.slug
            _render_pages(context, tree.load_state(slug), f"{tree.live(slug)}/")
        except Exception:  # noqa: BLE001 - the worker starts this shape afresh
            _JOB["shape_cache"].pop(key, None)


PagePlan = Iterator[tuple[str, str, Callable[[jinja2.Environment], bytes]]]


def _page_plan(site: SiteInfo, index: DependencyIndex, shape: SiteShape | None,
               values: tuple[bytes, ...], theme_hash: str) -> PagePlan:
    """(path, fingerprint, maker of the bytes) of every page of the site.

    A site of a shared shape takes the shape's page list and fingerprints and
    lists its own pages only to render one (see sitegen.shapes).
    """
    own: dict[str, PageSpec] = {}

    def own_specs() -> dict[str, PageSpec]:
        if not own:  # the site's own pages, only once one must be rendered
            own.update((spec.path, spec) for spec in site_pages(site, index))
        return own

    if shape is not None:
        plan = shape.plan(site, index, theme_hash, own_specs)
        if plan is not None:
            for path, fingerprint in plan:
                yield path, fingerprint, partial(shape.page, path, site=site,
                                                 values=values, own=own_specs)
            return
    known: dict[int, str] = {}  # pages that share one token list (A–Z, search...)
    theme_token = ("theme", site.cbs_code)
    for spec in (own.values() if own else site_pages(site, index)):
        fingerprint = known.get(id(spec.tokens))
        if fingerprint is None:
            fingerprint = known[id(spec.tokens)] = index.fingerprint(spec.tokens,
                                                                     theme_token)
        yield spec.path, fingerprint, partial(_render, spec, site=site)


def _unchanged_site(tree: OutputTree, slug: str) -> SiteResult | None:
    """The site as it is, when its live version was built from this build's very
    inputs (deps.inputs_digest) and every file of it is still there."""
    if _JOB["previous_inputs"].get(slug) != _JOB["inputs"]:
        return None
    state = tree.load_state(slug)
    live_dir = f"{tree.live(slug)}/"
    if not state.pages or not all(intact(live_dir + p, state.built_ns)
                                  for p in state.pages):
        return None  # a file deleted or edited by hand is made again the usual way
    change = SiteChange(slug, None, None, [], [], len(state.pages),
                        state_changed=False)
    result = SiteResult(change, sum(not _is_search(p) for p in state.pages), 0)
    search = state.extra.get("search")
    if isinstance(search, list) and len(search) == 2 and _JOB.get("national"):
        result.local_key = search[1]
    return result


def _shape_of(site: SiteInfo) -> tuple[SiteShape | None, tuple[bytes, ...]]:
    """The site's shape in this worker (made on first use) and the values its
    stamps are filled with (identity, contact details and desks).

    (None, ()) for a site that shares its shape with no other: rendered in full.
    """
    key = _JOB["shapes"].get(site.cbs_code)
    values = site.stamp_values if key is not None else None
    if key is None or values is None:
        return None, ()
    cache: dict[str, SiteShape] = _JOB["shape_cache"]
    shape = cache.get(key)
    if shape is None:
        shape = cache[key] = SiteShape(site.catalogue, site.cbs_code, site.theme_name,
                                       site.logo, _JOB["index"], _render)
    site.shape = shape
    return shape, values


def _export_shape_of(site: SiteInfo) -> ExportShape | None:
    """The site's export shape in this worker (made on first use); None if no
    other site has the same export data."""
    key = _JOB["export_shapes"].get(site.cbs_code)  # only stampable identities
    if key is None:
        return None
    cache: dict[str, ExportShape | None] = _JOB["export_shape_cache"]
    if key not in cache:
        try:
            cache[key] = ExportShape.for_site(site.catalogue, site.cbs_code)
        except Exception:  # noqa: BLE001 - its sites' exports are made in full
            cache[key] = None
    return cache[key]


def previous_exports(
    state: SiteState, live: Path
) -> dict[str, tuple[bytes, list[ExportPiece]]]:
    """The live export files and where each product's piece sits in them."""
    result = {}
    recorded = state.extra.get("exports")
    for path, pieces in (recorded if isinstance(recorded, dict) else {}).items():
        try:
            data = (live / path).read_bytes()
            result[path] = (data, [ExportPiece(*piece) for piece in pieces])
        except (OSError, TypeError, ValueError):
            continue  # unreadable: those pieces are simply rendered again
    return result


def export_pieces(
    site: SiteInfo, state: SiteState, outputs: dict[str, Output]
) -> dict[str, list[list[object]]]:
    """Piece ranges to remember: new ones if the exports were made, else the old."""
    if "exports" not in site.__dict__:  # not rendered: the live files stand
        kept = state.extra.get("exports")
        return kept if isinstance(kept, dict) else {}
    return {
        path: [list(piece) for piece in export.pieces]  # slug, key, start, end
        for path, export in site.exports.items()
        if path in outputs
    }


def _add_search(result: SiteResult, site: SiteInfo, state: SiteState, theme: Theme,
                outputs: dict[str, Output], fingerprints: dict[str, str],
                extra: dict[str, object]) -> None:
    """Add the site's `zoekindex/` files (links into the store) to its outputs."""
    started = time.monotonic()
    national: NationalBundle = _JOB["national"]
    live_dir = f"{_JOB['tree'].live(site.slug)}/"
    local = _local_bundle(result, site, state, theme)
    keys = [national.key, local.key]
    # A bundle's files are checked on disk through its entry file only: every
    # other file of it was staged in the same swap.
    present = all(intact(live_dir + entry, state.built_ns) for entry in SEARCH_ENTRIES)
    if present and state.extra.get("search") == keys:
        for path, page in state.pages.items():  # the same bundles as now live
            if _is_search(path):
                fingerprints[path] = page[0]
                outputs[path] = None
    else:
        for path, link in site_search_links(national, local).items():
            fingerprints[path] = link.digest
            old = state.pages.get(path)
            unchanged = old == (link.digest, link.digest) and present
            outputs[path] = None if unchanged else link
    extra["search"] = keys
    result.local_key = local.key
    result.search_seconds = time.monotonic() - started


def _local_bundle(result: SiteResult, site: SiteInfo, state: SiteState,
                  theme: Theme) -> LocalBundle:
    """The local bundle of the site's group (the sites of its shape, whose
    contact details are placeholder words in it; else the sites with the same
    local data), made in this worker on first use (see sitegen.search)."""
    group, members = _JOB["search_groups"][site.cbs_code]
    cache: dict[str, LocalBundle] = _JOB["local_bundles"]
    bundle = cache.get(group)
    if bundle is not None:
        return bundle
    shape = site.shape or SiteShape(site.catalogue, site.cbs_code, site.theme_name,
                                    site.logo, _JOB["index"], _render)
    theme_hash = content_hash(repr((theme.name, theme.settings)).encode())
    key, records = shape.search_inputs(_JOB["renderer"].env(theme), theme_hash, members)
    previous = state.extra.get("search")
    old = previous[1] if isinstance(previous, list) and len(previous) == 2 else None
    try:
        bundle = ensure_local_bundle(_JOB["tree"].root, key, records,
                                     old if isinstance(old, str) else None)
    except BuildError as exc:  # it names the placeholder: name the gemeente
        raise BuildError(with_values(str(exc), site.gemeente,
                                     site.catalogue.profiles.get(site.cbs_code))
                         ) from None
    result.local_built, result.local_pages = bundle.built, bundle.pages
    cache[group] = bundle
    return bundle


def _render(spec: PageSpec, env: jinja2.Environment, site: SiteInfo) -> bytes:
    try:
        if spec.produce is not None:
            return spec.produce()
        assert spec.template is not None and spec.context is not None
        return env.get_template(spec.template).render(spec.context()).encode("utf-8")
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or spec.template
        line = getattr(exc, "lineno", None)
        raise BuildError(
            f"gemeente {site.name} ({site.cbs_code}): template {where}"
            f"{':' + str(line) if line else ''}: {exc} (pagina {spec.path})"
        ) from None
    except BuildError:
        raise
    except Exception as exc:
        raise BuildError(
            f"gemeente {site.name} ({site.cbs_code}), pagina {spec.path}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _stage_safely(cbs: str) -> tuple[str, Any]:
    """Stage one site in a worker; errors come back as text naming the gemeente."""
    try:
        return "ok", stage_site(cbs)
    except BuildError as exc:
        return "error", str(exc)
    except Exception as exc:  # a worker must report, not die silently
        return "error", f"gemeente {cbs}: {type(exc).__name__}: {exc}"


def _stage_batch(codes: list[str]) -> list[tuple[str, Any]]:
    """Stage a batch of sites in one worker (see _batches)."""
    return [_stage_safely(cbs) for cbs in codes]


SMALL_SHAPE = 32
"""A shape with at most this many sites is staged by one worker: making a
shape's stamps (its first site rendered twice and compared) costs as much as
filling in about twenty of its sites. Bigger shapes are shared by the workers
and their stamps made before they fork (_prime_shapes)."""


def _batches(codes: list[str], shapes: dict[str, str]) -> list[list[str]]:
    """The sites in the groups and order the workers take them.

    Sites rendered in full and small shapes (whole, in one batch) go first and
    the big shapes' sites follow in fours: the longest tasks first, so the
    workers finish at about the same time.
    """
    members: dict[str, list[str]] = {}
    alone: list[list[str]] = []
    for cbs in codes:
        key = shapes.get(cbs)
        if key is None:
            alone.append([cbs])
        else:
            members.setdefault(key, []).append(cbs)
    small = [group for group in members.values() if len(group) <= SMALL_SHAPE]
    big = [group[i:i + 4] for group in members.values() if len(group) > SMALL_SHAPE
           for i in range(0, len(group), 4)]
    return alone + small + big


def _to_stage(codes: list[str]) -> list[str]:
    """The sites whose live version was not built from this build's inputs."""
    catalogue: Catalogue = _JOB["catalogue"]
    previous, inputs = _JOB["previous_inputs"], _JOB["inputs"]
    return [cbs for cbs in codes
            if previous.get(catalogue.gemeenten[cbs].slug) != inputs]


def _compile_templates(catalogue: Catalogue, themes_dir: Path,
                       codes: list[str]) -> None:
    """Compile the templates of the themes these sites use, before the workers
    fork: they inherit them instead of each compiling its own (~0.1 s each).

    A theme or template that fails is left alone: staging the site reports it,
    naming the gemeente.
    """
    renderer: Renderer = _JOB["renderer"]
    seen: set[str] = set()
    for cbs in codes:
        name = profile_for(catalogue, cbs).theme
        if name in seen:
            continue
        seen.add(name)
        try:
            env = renderer.env(theme_for(catalogue, themes_dir, cbs))
            for template in env.list_templates():
                env.get_template(template)
        except Exception:  # noqa: BLE001 - reported per site, with its gemeente
            continue


def select_gemeenten(catalogue: Catalogue, names: Iterable[str] | None) -> list[str]:
    """CBS codes to build: all, or those named by CBS code or slug."""
    if not names:
        return sorted(catalogue.gemeenten, key=lambda c: catalogue.gemeenten[c].slug)
    by_slug = {g.slug: c for c, g in catalogue.gemeenten.items()}
    result = []
    for name in names:
        code = (
            name.upper() if name.upper() in catalogue.gemeenten else by_slug.get(name)
        )
        if code is None:
            raise BuildError(
                f"onbekende gemeente '{name}': gebruik een CBS-code zoals "
                "GM0344 of een slug zoals utrecht"
            )
        result.append(code)
    return result


def _progress(done: int, total: int, pages: int, started: float) -> None:
    elapsed = time.monotonic() - started
    eta = elapsed / done * (total - done) if done else 0
    sys.stderr.write(f"\r{done}/{total} sites, {pages} bestanden, nog ~{eta:.0f} s   ")
    sys.stderr.flush()


def build_sites(
    catalogue: Catalogue,
    options: BuildOptions,
    on_site: Callable[[SiteChange], None] | None = None,
    national: NationalBuild | None = None,
) -> BuildSummary:
    """Build (or rebuild incrementally) the selected sites into options.output_dir.

    `national`: the national search bundle, if the caller started it already
    (for this catalogue and output folder, see NationalBuild); else it starts here.
    """
    with collector_paused():  # see sitegen.workers; the workers collect
        return _build_sites(catalogue, options, on_site, national)


def _build_sites(catalogue: Catalogue, options: BuildOptions,
                 on_site: Callable[[SiteChange], None] | None,
                 national: NationalBuild | None) -> BuildSummary:
    started = time.monotonic()
    _check_national(national, catalogue, options)
    codes = select_gemeenten(catalogue, options.gemeenten)
    tree = OutputTree(options.output_dir)
    staging = tree.root / STAGING_DIR
    if staging.exists():  # left by an interrupted build: never live, safe to drop
        shutil.rmtree(staging)
    purge_retired(tree.root / RETIRED_DIR)  # what a stopped build left behind
    # A helper process renders and indexes the national texts meanwhile the
    # build is prepared (see NationalBuild); the workers start when it is done.
    national_build = national
    if national_build is None and options.search:
        national_build = NationalBuild(catalogue, tree.root)
    jobs = options.jobs or min(os.cpu_count() or 1, 4)
    forking = jobs > 1 and len(codes) > 1
    try:
        code = code_version(options.themes_dir)
        shapes = plan_shapes(catalogue, codes) if options.shapes else {}
        _JOB.update(
            national=None,
            catalogue=catalogue,
            tree=tree,
            themes_dir=options.themes_dir,
            index=DependencyIndex(catalogue, code),
            inputs=_inputs(catalogue, options, code),
            previous_inputs=tree.load_inputs(),
            renderer=Renderer(catalogue, options.jinja_environment, code),
            shapes=shapes,
            shape_cache={},  # per process: each forked worker fills its own
            export_shapes=(plan_export_shapes(catalogue, codes) if options.shapes
                           else {}),
            export_shape_cache={},  # likewise
            # A shape's sites share their local search bundle.
            search_groups=(search_groups(catalogue, codes, shapes)
                           if options.search else {}),
            local_bundles={},  # per process, like shape_cache
            themes={},  # loaded before the workers fork (_preload_themes)
        )
        if forking:
            to_stage = _to_stage(codes)
            _compile_templates(catalogue, options.themes_dir, to_stage)
        if national_build is not None:  # the pages show the same Markdown
            if forking:
                _preload_themes(to_stage, national_build.markdown_ready)
            remember_html(national_build.markdown())
        if forking:
            _prime_shapes(to_stage)
    except BaseException:
        if national_build is not None:
            with suppress(BaseException):  # the first error is the one to report
                national_build.wait()
        raise
    national = national_build.wait() if national_build is not None else None
    search_seconds = national_build.seconds if national_build is not None else 0.0
    _JOB["national"] = national
    results: list[SiteResult] = []
    errors: list[str] = []
    if forking:
        # What the parent made (catalogue, stamps, templates) is never garbage in
        # a worker: frozen, the workers' collections skip it, and do not write to
        # (and so copy) the pages it shares with the parent.
        gc.freeze()
        try:
            batches = _batches(codes, _JOB["shapes"])
            for outcomes in run_forked(batches, _stage_batch, jobs):
                for status, value in outcomes:
                    _collect(status, value, results, errors, options, len(codes),
                             started)
        except WorkerError as exc:  # killed, or out of memory: say what to try
            errors.append(f"{exc}\nBouw opnieuw; stopt het weer, bouw dan met minder "
                          "processen (--jobs 1) of met meer geheugen.")
        finally:
            gc.unfreeze()
    else:
        gc.enable()  # staging is a worker's job here, and a worker collects
        try:
            for code in codes:
                _collect(
                    *_stage_safely(code), results, errors, options, len(codes), started
                )
        finally:
            gc.disable()
    if options.progress:
        sys.stderr.write("\n")
    errors += [problem for r in results for problem in r.budget]
    if errors:
        tree.discard([r.change for r in results])
        if national is not None:
            forget_unused_bundles(tree.root)  # the store as it was before
        if staging.exists():
            shutil.rmtree(staging)
        raise BuildError(
            "\n".join(sorted(errors))
            + "\nDe build is afgebroken; de vorige sites zijn ongewijzigd."
        )
    summary = BuildSummary(sites=len(codes))
    results.sort(key=lambda r: r.change.slug)
    # Swapping in is system calls only: threads overlap them (sites are independent).
    with ThreadPoolExecutor(max_workers=4) as threads:
        list(threads.map(tree.commit, [r.change for r in results if r.change.changed]))
    for result in results:
        change = result.change
        summary.pages += result.files
        summary.pages_rendered += result.rendered
        summary.pages_stamped += result.stamped
        summary.export_pieces_rendered += result.export_pieces
        if change.changed:
            summary.sites_changed += 1
            written = _without_search(change.written)
            summary.pages_written += len(written)
            summary.pages_removed += len(_without_search(change.removed))
            summary.written[change.slug] = written
            if on_site is not None:
                on_site(change)
        elif change.state_changed:
            tree.save_state_only(change)
    if staging.exists() and not any(staging.iterdir()):
        staging.rmdir()
    tree.save_inputs({**_JOB["previous_inputs"],
                      **{r.change.slug: _JOB["inputs"] for r in results}})
    tree.write_file_if_changed("index.html", _root_index(catalogue))
    if national is not None:
        summary.search = _search_summary(national, results, search_seconds, jobs)
        record_search(tree.root, national, {r.change.slug: r.local_key
                                            for r in results if r.local_key})
    tree.write_file_if_changed(NGINX_SAMPLE_PATH, nginx_config(catalogue))
    purge_retired(tree.root / RETIRED_DIR)  # replaced versions, in the background
    summary.seconds = time.monotonic() - started
    return summary


def _check_national(national: NationalBuild | None, catalogue: Catalogue,
                    options: BuildOptions) -> None:
    """A national bundle started by the caller must be this build's own."""
    if national is None:
        return
    problem = None
    if not options.search:
        problem = "deze build maakt geen zoekindex (search=False)"
    elif national.catalogue is not catalogue:
        problem = "hij is voor een andere catalogus gestart"
    elif national.output_dir.resolve() != Path(options.output_dir).resolve():
        problem = (f"hij is voor {national.output_dir} gestart, de build schrijft "
                   f"naar {options.output_dir}")
    if problem is not None:
        national.close()
        raise ValueError(f"build_sites: de landelijke zoekindex past niet: {problem}")


def _inputs(catalogue: Catalogue, options: BuildOptions, code: str) -> str:
    """What every site of this build is made from (see deps.inputs_digest)."""
    try:  # the dates that do not come from the catalogue
        expires = security_txt_expires(catalogue.settings).isoformat()
    except HostingError as exc:  # the sites report it when they are staged
        expires = f"fout: {exc}"
    return inputs_digest(
        catalogue, code, STATE_FORMAT, expires, default_modified(catalogue).isoformat(),
        pagefind_version() if options.search else None,
        sorted(options.jinja_environment.items()))


def _search_summary(national: NationalBundle, results: list[SiteResult],
                    national_seconds: float, jobs: int) -> SearchSummary:
    """Search work of this build: the national bundle, local bundles, links.

    `seconds` is the national bundle's time plus the workers' search time
    divided over the worker processes (the work runs in parallel with pages).
    """
    return SearchSummary(
        national_built=national.built,
        national_pages=national.pages,
        local_built=sum(r.local_built for r in results),
        local_pages=sum(r.local_pages for r in results),
        sites_linked=sum(r.search_changed for r in results),
        seconds=national_seconds
        + sum(r.search_seconds for r in results) / max(jobs, 1),
    )


def _collect(
    status: str,
    value: Any,
    results: list,
    errors: list[str],
    options: BuildOptions,
    total: int,
    started: float,
) -> None:
    if status == "ok":
        results.append(value)
    else:
        errors.append(value)
    if options.progress:
        _progress(
            len(results) + len(errors), total, sum(r.files for r in results), started
        )


def _root_index(catalogue: Catalogue) -> bytes:
    """public/index.html: a plain list of every gemeente site (for local serving)."""
    items = "\n".join(
        f'<li><a href="{g.slug}/">{_escape(g.display_name)}</a> ({g.cbs_code}, '
        f"{_escape(g.province)})</li>"
        for g in sorted(catalogue.gemeenten.values(), key=lambda g: g.slug)
    )
    return (
        '<!doctype html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Samenloket: alle gemeentesites</title>\n</head>\n<body>\n<main>\n"
        f"<h1>Samenloket: {len(catalogue.gemeenten)} gemeentesites</h1>\n"
        f"<ul>\n{items}\n</ul>\n</main>\n</body>\n</html>\n"
    ).encode()


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )
