"""Search without a server: Pagefind indexes, one national and one per gemeente.

Indexing all 342 sites with the Pagefind CLI would take ~13 minutes after every
national edit. Instead the national texts (products, life events) are indexed
once, into one shared bundle; each site gets a copy made of hard links (no bytes
copied) in `zoekindex/landelijk/`. A small local bundle (`zoekindex/lokaal/`:
home, contact, privacy, accessibility, news, and products whose text a
gemeente changed) is merged in the browser with Pagefind's `mergeIndex`.

Local pages differ between gemeenten of one shape (sitegen.shapes: the same
local data but for the values of their contact details and desks, and for
their product facts) only in those values and the gemeente's identity, so one
local bundle serves all of them (for most gemeenten, which have no local
data: one bundle for all). It is made from the pages rendered for the
placeholder gemeente of samenloket.stamp, with a placeholder word wherever a
page shows the name, the province or a contact detail; the search page
carries the site's own values, and its script searches the placeholder word
when the query names the gemeente or a word of a detail, and shows the own
values in results. The product texts a gemeente of the shape changed (a
local text, sections), its homepage text and its news items (which the
placeholder has not) are in the shared bundle too, each with the `eigen`
filter (`<CBS code>/<slug>`, `<CBS code>/home`, `<CBS code>/nieuws/<slug>`) and
the code as the address's fragment (Pagefind keeps one record per address);
the placeholder's homepage and news page carry the `pagina` filter, which a
site with its own homepage text or news hides. So there are a few bundles per
shape instead of one per such gemeente (each costs ~10 ms however small), with
at most sitegen.shapes.OWN_TEXTS_PER_BUNDLE texts each, so that a first search
stays small.

In the browser, a site hides with Pagefind's filters: national results for
products it does not offer (not in the search page's A–Z list) or whose text
it changed (an `eigen` value with its own code), and the own texts of the
other gemeenten of its shape (`eigen` values with another code). The search
page itself needs no list of them, only its CBS code.

Bundles are kept in `public/.search/` (not deployed) under a key that hashes
their inputs; a bundle is only rebuilt when its key is new. A bundle's files
are outputs of the site like its pages (`sitegen.output.Link`): they are staged
with the site and go live in the same swap, so a site is never without its
index. A new bundle links every file it shares byte for byte with the bundle it
replaces, so after one national edit a site relinks only the few files that
changed (the edited product's fragment, index chunks, entry), not all ~100.
A local bundle is built by the first worker that needs it; the others wait
for it and link the same files.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache, partial
from html import escape
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

from samenloket.markdown import converted_since, converted_texts
from samenloket.model import SECTIONS, Catalogue, LifeEvent, Product
from samenloket.resolve import ResolvedProduct, is_offered, profile_for, resolve
from samenloket.stamp import with_placeholder_words

from .markup import render_markdown
from .output import Link
from .workers import Helper, WorkerError

SEARCH_DIR = "zoekindex"
NATIONAL = "landelijk"
LOCAL = "lokaal"
STORE_DIR = ".search"
LANGUAGE = "nl"
# Pages of a site that go into its local index (news items are added per item).
LOCAL_PAGES = ("index.html", "contact/index.html", "toegankelijkheid/index.html",
               "privacy/index.html")
# Parts of a rendered page that repeat what other records hold.
LOCAL_EXCLUDE = (".card-list", ".news-list", ".contact-block", ".az-nav", "nav")
# The files of a Pagefind bundle the browser needs (the UI files are not used:
# our own small script renders results, with no inline style; nor is the web
# worker: the script searches on the page itself, `noWorker`).
_SCRIPT_FILES = ("pagefind.js", f"wasm.{LANGUAGE}.pagefind")
_DATA_DIRS = ("index", "fragment", "filter")
_ENTRY = "pagefind-entry.json"
LOCAL_CONFIG = {"root_selector": "main", "exclude_selectors": list(LOCAL_EXCLUDE)}


class SearchError(Exception):
    """Indexing failed; the message says which bundle and why."""


@dataclass(frozen=True)
class Record:
    """One search result: its URL (relative to the site root) and HTML."""

    url: str
    html: str


@dataclass
class SearchSummary:
    """What one update did (for the build output and the benchmark)."""

    national_built: bool = False
    national_pages: int = 0
    local_built: int = 0
    local_pages: int = 0
    sites_linked: int = 0
    seconds: float = 0.0

    def format(self) -> str:
        national = (f"landelijke index opnieuw ({self.national_pages} pagina's)"
                    if self.national_built else "landelijke index ongewijzigd")
        return (f"zoeken: {national}, {self.local_built} lokale indexen "
                f"({self.local_pages} pagina's), {self.sites_linked} sites bijgewerkt; "
                f"{self.seconds:.1f} s")


def pagefind_version() -> str:
    """Version of the Pagefind binary package (part of every bundle key)."""
    return _pagefind_version(os.environ.get("PAGEFIND_BINARY_PATH"))


@lru_cache(maxsize=8)
def _pagefind_version(binary: str | None) -> str:
    """Looked up once per process (~0.7 ms each: a build asks for every local
    bundle); like any package, an upgrade counts once the process restarts."""
    try:
        return metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:  # pragma: no cover - custom binary
        return binary or "unknown"


def _code_version() -> str:
    return _versioned(pagefind_version())


@lru_cache(maxsize=8)
def _versioned(pagefind: str) -> str:
    """This module's code (as loaded) and Pagefind's version, as one hash."""
    return hashlib.blake2b(Path(__file__).read_bytes() + pagefind.encode(),
                           digest_size=8).hexdigest()


def _key(*parts: Any) -> str:
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(data.encode(), digest_size=10).hexdigest()


# --- records ---------------------------------------------------------------


def _document(body: str, *, title: str, kind: str,
              record_filter: tuple[str, str] | None = None) -> str:
    attrs = f' data-pagefind-meta="soort:{escape(kind)}"'
    if record_filter:  # (name, value)
        key, slug = record_filter
        attrs += f' data-pagefind-filter="{key}:{escape(slug)}"'
    return (f'<!doctype html><html lang="{LANGUAGE}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><main{attrs}>{body}</main>"
            "</body></html>")


def _product_record(slug: str, title: str, summary: str, synonyms: Iterable[str],
                    sections: dict[str, str], local_text: str | None,
                    owner: str | None) -> Record:
    parts = [f'<h1 data-pagefind-weight="10">{escape(title)}</h1>',
             f"<p>{escape(summary)}</p>"]
    words = ", ".join(synonyms)
    if words:
        parts.append(f'<p data-pagefind-weight="5">Zoekwoorden: {escape(words)}</p>')
    for key, heading in SECTIONS:
        text = sections.get(key)
        if text:
            parts.append(f"<h2>{escape(heading)}</h2>{render_markdown(text, '')}")
    if local_text:
        parts.append(f"<h2>In uw gemeente</h2>{render_markdown(local_text, '')}")
    # National records carry the `product` filter the browser hides by; a
    # gemeente's own version carries `eigen` (its CBS code and the slug), which
    # tells its site to hide the national one, and the other sites that share
    # the local bundle to hide this one. Its address has the code as fragment:
    # Pagefind keeps one record per address (the script links to the page).
    url = f"producten/{slug}/" if owner is None else f"producten/{slug}/#{owner}"
    return Record(url,
                  _document("".join(parts), title=title, kind="Product",
                            record_filter=("product", slug) if owner is None
                            else ("eigen", f"{owner}/{slug}")))


def national_product_record(product: Product) -> Record:
    return _product_record(product.slug, product.title, product.summary,
                           product.synonyms, product.sections, None, owner=None)


def local_product_record(cbs_code: str, resolved: ResolvedProduct) -> Record:
    """A gemeente's own version of a product whose text it changed."""
    return _product_record(resolved.slug, resolved.title, resolved.summary,
                           resolved.product.synonyms, resolved.sections,
                           resolved.local_text, owner=cbs_code)


def life_event_record(event: LifeEvent, catalogue: Catalogue) -> Record:
    parts = [f'<h1 data-pagefind-weight="10">{escape(event.title)}</h1>',
             f"<p>{escape(event.summary)}</p>"]
    if event.intro:
        parts.append(str(render_markdown(event.intro, "")))
    for number, step in enumerate(event.steps, 1):
        parts.append(f"<h2>Stap {number}: {escape(step.title)}</h2><ul>")
        for item in step.items:
            product = getattr(item, "product", None)
            if product:
                label = catalogue.products[product].title if product in \
                    catalogue.products else product
            else:
                label = f"{item.title} ({item.organisation})"
            text = f" {escape(item.text)}" if item.text else ""
            parts.append(f"<li>{escape(label)}.{text}</li>")
        parts.append("</ul>")
    return Record(f"levensgebeurtenissen/{event.slug}/",
                  _document("".join(parts), title=event.title,
                            kind="Levensgebeurtenis"))


def national_records(catalogue: Catalogue) -> list[Record]:
    """Every national text, the same on every site."""
    records = [national_product_record(catalogue.products[s])
               for s in sorted(catalogue.products)]
    records += [life_event_record(catalogue.life_events[s], catalogue)
                for s in sorted(catalogue.life_events)]
    return records


def _has_local_text(resolved: ResolvedProduct) -> bool:
    local = resolved.local
    return local is not None and bool(local.title or local.summary or local.local_text
                                      or local.sections)


def local_products(catalogue: Catalogue, cbs_code: str) -> list[ResolvedProduct]:
    """Offered products whose searchable text this gemeente changed."""
    profile = profile_for(catalogue, cbs_code)
    result = []
    for slug in sorted(profile.products):
        if slug in catalogue.products and is_offered(catalogue, cbs_code, slug):
            resolved = resolve(catalogue, cbs_code, slug)
            if _has_local_text(resolved):
                result.append(resolved)
    return result


def local_page_paths(catalogue: Catalogue, cbs_code: str) -> list[str]:
    """Rendered pages of one site that go into its local index."""
    news = [f"nieuws/{item.slug}/index.html"
            for item in profile_for(catalogue, cbs_code).news]
    return [*LOCAL_PAGES, *news]


def _page_url(path: str) -> str:
    return path.removesuffix("index.html")


OwnTexts = Iterable[tuple[str, ResolvedProduct]]  # (CBS code, its own version)

# The placeholder's pages that a gemeente's homepage text or news replace in
# its search (the `pagina` filter: the browser hides them on that site).
REPLACED_PAGES = {"index.html": "home", "nieuws/index.html": "nieuws"}
_MAIN_TAG = re.compile(r"<main(?=[\s>])")


def own_page_records(catalogue: Catalogue, cbs_code: str) -> list[Record]:
    """A gemeente's homepage text and news items, as records of the local
    bundle it shares with the sites of its shape (whose pages the placeholder
    renders without them): `eigen` filter and fragment as own product texts."""
    profile = catalogue.profiles.get(cbs_code)
    if profile is None:
        return []
    records = []
    if profile.welcome_title or profile.welcome:
        name = catalogue.gemeenten[cbs_code].display_name
        title = profile.welcome_title or f"Welkom bij de gemeente {name}"
        body = (f'<h1 data-pagefind-weight="10">{escape(title)}</h1>'
                f"{render_markdown(profile.welcome, '')}")
        records.append(Record(f"#{cbs_code}", _document(
            body, title=title, kind="Pagina",
            record_filter=("eigen", f"{cbs_code}/home"))))
    for item in profile.news:
        body = (f'<h1 data-pagefind-weight="10">{escape(item.title)}</h1>'
                f"<p>{escape(item.summary)}</p>{render_markdown(item.body, '')}")
        records.append(Record(f"nieuws/{item.slug}/#{cbs_code}", _document(
            body, title=item.title, kind="Nieuws",
            record_filter=("eigen", f"{cbs_code}/nieuws/{item.slug}"))))
    return records


def own_page_key(catalogue: Catalogue, cbs_code: str) -> object:
    """What own_page_records are made of (for a bundle's key)."""
    profile = catalogue.profiles.get(cbs_code)
    if profile is None:
        return None
    return [profile.welcome_title, profile.welcome,
            [item.model_dump(mode="json") for item in profile.news]]


def _placeholder_record(path: str, html: str) -> Record:
    html = with_placeholder_words(html)
    replaced = REPLACED_PAGES.get(path)
    if replaced is not None:  # hidden where a gemeente's own version replaces it
        # on the index's root (`main`), whatever attributes a theme gives it
        html = _MAIN_TAG.sub(f'<main data-pagefind-filter="pagina:{replaced}"', html,
                             count=1)
    return Record(_page_url(path), html)


def local_records(pages: Iterable[tuple[str, str]], own: OwnTexts,
                  own_pages: Iterable[Record] = ()) -> list[Record]:
    """The records of a local bundle: pages rendered for the placeholder
    gemeente (path, HTML), with placeholder words, and the own product texts,
    homepage texts and news of the gemeenten that share it (each site shows
    only its own)."""
    records = [_placeholder_record(path, html) for path, html in pages]
    return records + [local_product_record(cbs, r) for cbs, r in own] + list(own_pages)


def local_key(pages: Iterable[tuple[str, str]], own: OwnTexts,
              own_pages: object = None) -> str:
    """Key of a local bundle: the fingerprints of its pages (path, fingerprint)
    and the own texts in it (`own_pages`: what own_page_records are made
    of), so nothing is rendered unless it changed."""
    products = [[cbs, r.slug, r.title, r.summary, list(r.product.synonyms),
                 dict(r.sections), r.local_text] for cbs, r in own]
    return _key(_code_version(), sorted(pages), products, own_pages)


# --- the Pagefind service (synchronous client) -----------------------------


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the `pagefind-bin` package."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override)
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # pragma: no cover - broken install
        raise SearchError("Pagefind ontbreekt: installeer het pakket pagefind[bin] "
                          "(make install)") from exc
    return get_executable()


class PagefindService:
    """`pagefind --service`: many indexes in one process, requests pipelined.

    The official Python wrapper polls for one answer per 0.1 s, which makes
    thousands of pages take minutes; this client reads answers as they come.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()  # the process this service belongs to (not forks)
        self._process = subprocess.Popen(
            [str(pagefind_executable()), "--service"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._ready = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        buffer = b""
        while True:
            chunk = self._process.stdout.read1(65536)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            with self._ready:
                for message in messages:
                    answer = json.loads(base64.b64decode(message))
                    if answer is not None:
                        self._answers[answer.get("message_id") or -1] = answer
                self._ready.notify_all()
        with self._ready:
            self._ready.notify_all()

    def send_many(self, payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send requests without waiting in between; return answers in order.

        Each request goes out as soon as `payloads` gives it, so Pagefind works
        on the first while the caller still makes the next.
        """
        stdin = self._process.stdin
        assert stdin is not None
        ids = []
        for payload in payloads:  # its own errors are not Pagefind's: not caught
            self._next_id += 1
            ids.append(self._next_id)
            request = json.dumps({"message_id": self._next_id, "payload": payload})
            try:
                stdin.write(base64.b64encode(request.encode()) + b",")
                stdin.flush()
            except BrokenPipeError:
                raise self._stopped() from None
        answers = []
        with self._ready:
            for message_id in ids:
                while message_id not in self._answers:
                    if self._process.poll() is not None and -1 not in self._answers:
                        raise self._stopped()
                    if -1 in self._answers:
                        raise SearchError(f"Pagefind: {self._answers.pop(-1)}")
                    self._ready.wait(timeout=1)
                answer = self._answers.pop(message_id)["payload"]
                if answer.get("type") == "Error":
                    raise SearchError(f"Pagefind: {answer.get('message')}")
                answers.append(answer)
        return answers

    def build(self, jobs: list[tuple[Iterable[Record], Path, dict[str, Any]]]) -> int:
        """Index each (records, target, config) into a new bundle; returns pages.

        All requests are sent before any answer is awaited, so the service
        works on many bundles at once; records may be made as they are sent.
        """
        created = self.send_many([{"type": "NewIndex",
                                   "config": {"force_language": LANGUAGE, **config}}
                                  for _, _, config in jobs])
        ids = [answer["index_id"] for answer in created]
        added = self.send_many({"type": "AddFile", "index_id": index_id, "url": r.url,
                                "file_contents": r.html, "file_path": None}
                               for index_id, (records, _, _) in zip(ids, jobs,
                                                                    strict=True)
                               for r in records)
        self.send_many([{"type": "WriteFiles", "index_id": index_id,
                         "output_path": str(target)}
                        for index_id, (_, target, _) in zip(ids, jobs, strict=True)])
        self.send_many([{"type": "DeleteIndex", "index_id": i} for i in ids])
        return len(added)

    def _stopped(self) -> SearchError:
        try:
            code = self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - closed its input only
            self._process.kill()
            code = self._process.wait()
        return SearchError(
            f"Pagefind ({pagefind_executable()}) is onverwacht gestopt met code "
            f"{code}: installeer het opnieuw met 'make install', of zet "
            "PAGEFIND_BINARY_PATH op een werkende pagefind")

    def close(self) -> None:
        if self._process.stdin:
            with suppress(BrokenPipeError):  # it stopped already: send_many said so
                self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self._process.kill()
        self._reader.join(timeout=5)


def _bundle_keep(name: str, scripts: bool) -> bool:
    """Is this top-level file of a bundle one the browser loads? (no UI files)"""
    return (name in (_ENTRY, *_DATA_DIRS) or name.endswith(".pf_meta")
            or (scripts and name in _SCRIPT_FILES))


def _copy_kept(built: Path, target: Path, scripts: bool,
               reuse: Path | None = None) -> None:
    """Copy the files the browser loads from a scratch bundle (no metadata).

    A file that `reuse` (an older bundle) has with the same bytes is linked to
    it instead, so unchanged files keep their inode in every site.
    """
    os.makedirs(target)
    for entry in os.scandir(built):
        if not _bundle_keep(entry.name, scripts):
            continue
        if entry.is_dir():
            os.mkdir(target / entry.name)
            for child in os.scandir(entry.path):
                _keep_file(Path(child.path), target / entry.name / child.name,
                           reuse / entry.name / child.name if reuse else None)
        else:
            _keep_file(Path(entry.path), target / entry.name,
                       reuse / entry.name if reuse else None)


def _keep_file(built: Path, target: Path, older: Path | None) -> None:
    data = built.read_bytes()
    if older is not None:
        try:
            if older.stat().st_size == len(data) and older.read_bytes() == data:
                os.link(older, target)
                return
        except OSError:
            pass
    target.write_bytes(data)


def _scratch_dir() -> str:
    """Where Pagefind writes whole bundles (~0.5 MB each, mostly UI files we drop).

    A RAM disk when there is one with room to spare: writing and deleting
    those on disk would cost more than the indexing itself.
    """
    shm = "/dev/shm"
    try:
        stats = os.statvfs(shm)
        roomy = stats.f_bavail * stats.f_frsize > 64 * 1024 * 1024
        use = shm if roomy and os.access(shm, os.W_OK) else None
    except OSError:
        use = None
    _sweep_stale_scratch(use or tempfile.gettempdir())
    return tempfile.mkdtemp(prefix=_SCRATCH_PREFIX, dir=use)


_SCRATCH_PREFIX = "samenloket-zoeken-"
_SCRATCH_MAX_AGE = 3600.0  # seconds; no bundle takes nearly that long


@lru_cache(maxsize=8)  # once per process and folder
def _sweep_stale_scratch(folder: str) -> None:
    """Delete scratch folders a killed process left (it could not clean up):
    on a RAM disk they would stay until the machine restarts. Only old ones,
    so a build running beside this one keeps its own."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(_SCRATCH_PREFIX):
            continue
        with suppress(OSError):
            if entry.is_dir(follow_symlinks=False) and \
                    now - entry.stat(follow_symlinks=False).st_mtime > _SCRATCH_MAX_AGE:
                shutil.rmtree(entry.path, ignore_errors=True)


# --- keeping sites up to date ------------------------------------------------


class SearchStore:
    """`public/.search/`: built bundles by key, and which keys each site uses."""

    def __init__(self, output_dir: Path):
        self.output_dir = Path(output_dir)
        self.root = self.output_dir / STORE_DIR
        self.state_path = self.root / "state.json"

    def national(self, key: str) -> Path:
        return self.root / NATIONAL / key

    def local(self, key: str) -> Path:
        return self.root / LOCAL / key

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return data if isinstance(data.get("sites"), dict) else {"sites": {}}
        except (OSError, ValueError, AttributeError):
            return {"sites": {}}

    def save(self, state: dict[str, Any]) -> None:
        text = json.dumps(state, sort_keys=True, separators=(",", ":"))
        if self.state_path.is_file() and \
                self.state_path.read_text(encoding="utf-8") == text:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.state_path)


def _build_bundle(service: PagefindService, records: Iterable[Record], target: Path,
                  config: dict[str, Any], scripts: bool, reuse: Path | None) -> int:
    """Index records into a scratch folder, then install what the browser loads.

    Pagefind writes whole bundles (~0.5 MB, mostly UI files we drop) to a RAM
    disk where there is one; only the kept files go to target in the store.
    """
    scratch = Path(_scratch_dir())
    try:
        pages = service.build([(records, scratch / "bundle", config)])
        _install_bundle(scratch / "bundle", target, scripts, reuse)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return pages


def _cached_national_records(
    catalogue: Catalogue, store: SearchStore
) -> tuple[list[Record], dict[str, str]]:
    """`national_records`, rendering only texts that changed since the last build.

    Rendering every national text's Markdown costs ~0.2 s; after one edit only
    that text is new. The cache is a file in the store, keyed per text; the new
    cache (returned) is saved by `record_search` when the build succeeded.
    """
    used: dict[str, str] = {}
    records = list(_national_record_stream(catalogue, store, used))
    return records, used


def _national_record_stream(catalogue: Catalogue, store: SearchStore,
                            used: dict[str, str]) -> Iterator[Record]:
    """The records of _cached_national_records one by one, as each is made;
    `used` gets the new cache."""
    cache_path = store.root / "records.json"
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
        cached: dict[str, str] = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        cached = {}
    version = _code_version()
    items: list[tuple[str, Any, Callable[[], Record]]] = [
        (f"producten/{slug}/", catalogue.products[slug].model_dump(mode="json"),
         lambda p=catalogue.products[slug]: national_product_record(p))
        for slug in sorted(catalogue.products)
    ]
    items += [
        (f"levensgebeurtenissen/{slug}/",
         [catalogue.life_events[slug].model_dump(mode="json"),
          {s: p.title for s, p in sorted(catalogue.products.items())}],
         lambda e=catalogue.life_events[slug]: life_event_record(e, catalogue))
        for slug in sorted(catalogue.life_events)
    ]
    for url, inputs, make in items:
        key = _key(version, url, inputs)
        html = cached.get(key)
        if not isinstance(html, str):
            html = make().html
        used[key] = html
        yield Record(url, html)


def _save_record_cache(store: SearchStore, cache: dict[str, str]) -> None:
    path = store.root / "records.json"
    text = json.dumps(cache, ensure_ascii=False, sort_keys=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class NationalBundle:
    """The national bundle of this catalogue, and whether this build made it."""

    key: str
    path: Path
    built: bool = False
    pages: int = 0
    record_cache: dict[str, str] | None = field(default=None, compare=False)


def national_key(catalogue: Catalogue) -> str:
    """Keyed on the national texts themselves: rendering them only when needed."""
    return _key(_code_version(),
                [p.model_dump(mode="json")
                 for _, p in sorted(catalogue.products.items())],
                [e.model_dump(mode="json")
                 for _, e in sorted(catalogue.life_events.items())])


class NationalBuild:
    """The national bundle, made in a helper process while the caller prepares
    the build.

    The helper (forked) renders the national texts one by one and hands each
    to Pagefind at once, so Pagefind indexes while the Markdown is still being
    rendered. The HTML of that Markdown comes back to the caller (`markdown()`),
    whose pages reuse it, before the bundle is written; `wait()` gives the
    bundle. Call `wait()` before forking workers: then the helper is gone.

    A caller may start it before it imports the rest of the build (Pelican,
    sitegen.build, ~0.1-0.2 s) and hand it to `build_sites`, so indexing
    overlaps those imports too; `close()` ends it if no build follows.
    """

    def __init__(self, catalogue: Catalogue, output_dir: Path) -> None:
        self._started = time.monotonic()
        self.catalogue = catalogue
        self.output_dir = Path(output_dir)
        store = SearchStore(output_dir)
        key = national_key(catalogue)
        self.path = path = store.national(key)
        self._helper: Helper | None = None
        self._html: dict[str, str] | None = None
        self._outcome: NationalBundle | BaseException | None = None
        self.seconds = 0.0  # the bundle's own time: rendering and indexing
        if (path / _ENTRY).is_file():
            self._html, self._outcome = {}, NationalBundle(key, path)
            self.seconds = time.monotonic() - self._started
            return
        previous = store.load().get("national")
        reuse = store.national(previous) if isinstance(previous, str) else None
        self._helper = Helper(partial(_make_national, catalogue, store, key, reuse))

    def markdown(self) -> dict[str, str]:
        """Text -> HTML of the Markdown the helper rendered (samenloket.markdown
        remember_html); empty if it failed (wait() raises why)."""
        if self._html is None:
            self._html = {}
            kind, value = self._receive()
            if kind == "html":
                self._html = value  # type: ignore[assignment]
            else:
                self._outcome = value  # type: ignore[assignment]
        return self._html

    def markdown_ready(self) -> bool:
        """Would markdown() return without waiting (for the helper)?"""
        return self._html is not None or self._helper is None or self._helper.ready()

    def wait(self) -> NationalBundle:
        """The finished bundle (its files stated once: forked workers inherit it)."""
        self.markdown()
        if self._outcome is None:
            self._outcome = self._receive()[1]  # type: ignore[assignment]
        if self._helper is not None:
            self._helper.close()
            self._helper = None
            self.seconds = time.monotonic() - self._started
        outcome = self._outcome
        if isinstance(outcome, BaseException):
            raise outcome
        assert isinstance(outcome, NationalBundle)
        bundle_links(self.path)
        return outcome

    def close(self) -> None:
        """End the helper without using its bundle (no build followed, or the
        build failed before it waited): the helper stops at its next message,
        removing its scratch files; a bundle already stored stays, like any
        unused bundle. Nothing happens after wait()."""
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    def _receive(self) -> tuple[str, object]:
        assert self._helper is not None
        try:
            message = self._helper.receive()
        except WorkerError as exc:
            return "error", SearchError(f"landelijke zoekindex: {exc}")
        assert isinstance(message, tuple)
        return message


def _make_national(catalogue: Catalogue, store: SearchStore, key: str,
                   reuse: Path | None, send: Callable[[object], None]) -> None:
    """In NationalBuild's helper: render and index the national texts, sending
    ("html", Markdown HTML) when the last is rendered, then ("done", bundle);
    or ("error", exception)."""
    known = converted_texts()
    try:
        used: dict[str, str] = {}

        def records() -> Iterator[Record]:
            yield from _national_record_stream(catalogue, store, used)
            send(("html", converted_since(known)))

        service = PagefindService()
        try:
            pages = _build_bundle(service, records(), store.national(key),
                                  {"root_selector": "main"}, scripts=True, reuse=reuse)
        finally:
            service.close()
        send(("done", NationalBundle(key, store.national(key), built=True,
                                     pages=pages, record_cache=used)))
    except Exception as exc:  # noqa: BLE001 - raised again by wait(), in the caller
        if not isinstance(exc, SearchError):
            exc = SearchError(f"landelijke zoekindex: {type(exc).__name__}: {exc}")
        send(("error", exc))


def bundle_links(bundle: Path) -> tuple[tuple[str, Link], ...]:
    """(relative path, Link) of every file of a stored bundle.

    A stored bundle never changes, but one with the same key can be deleted and
    built again (the CMS's worker builds many times in one process), so the
    cache is keyed on the identity of the bundle's entry file too.
    """
    entry = (bundle / _ENTRY).stat()
    return _bundle_links(bundle, entry.st_ino, entry.st_mtime_ns)


@lru_cache(maxsize=64)
def _bundle_links(bundle: Path, _inode: int, _mtime: int,
                  ) -> tuple[tuple[str, Link], ...]:
    links = []
    for folder, dirs, names in os.walk(bundle):
        dirs.sort()
        for name in sorted(names):
            source = Path(folder) / name
            stat = source.stat()
            links.append((str(source.relative_to(bundle)),
                          Link(source, f"inode:{stat.st_dev}:{stat.st_ino}")))
    return tuple(links)


@dataclass(frozen=True)
class LocalBundle:
    """A local bundle in the store, and whether this process just made it."""

    key: str
    path: Path
    built: bool = False
    pages: int = 0


def ensure_local_bundle(output_dir: Path, key: str,
                        make_records: Callable[[], list[Record]],
                        previous_key: str | None = None) -> LocalBundle:
    """The local bundle with this key, built once however many workers ask.

    Sites of one group are staged in several worker processes at once; a lock
    per key makes the first one build the bundle and the others use it, so
    every site links the very same files. `previous_key` names the bundle the
    group used before: files with the same bytes are linked from it.
    """
    store = SearchStore(output_dir)
    path = store.local(key)
    if (path / _ENTRY).is_file():  # installed in one rename: complete
        return LocalBundle(key, path)
    locks = store.root / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / key, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (path / _ENTRY).is_file():
            return LocalBundle(key, path)
        records = make_records()
        reuse = store.local(previous_key) if previous_key else None
        pages = _build_bundle(_process_service(), records, path, LOCAL_CONFIG,
                              scripts=False, reuse=reuse)
    return LocalBundle(key, path, True, pages)


_PROCESS_SERVICE: list[PagefindService] = []


def _process_service() -> PagefindService:
    """This process's own Pagefind service, kept running between bundles
    (starting Pagefind costs more than indexing a local bundle)."""
    if not _PROCESS_SERVICE or _PROCESS_SERVICE[0].pid != os.getpid():
        _PROCESS_SERVICE[:] = [PagefindService()]
    return _PROCESS_SERVICE[0]


def site_search_links(national: NationalBundle, local: LocalBundle
                      ) -> Mapping[str, Link]:
    """Every file of a site's two bundles, as Links at their paths in the site.

    Most sites share both bundles, so the mapping is made once (read only).
    """
    return _site_links(bundle_links(national.path), bundle_links(local.path))


@lru_cache(maxsize=16)
def _site_links(national: tuple[tuple[str, Link], ...],
                local: tuple[tuple[str, Link], ...]) -> Mapping[str, Link]:
    files: dict[str, Link] = {}
    for prefix, links in ((NATIONAL, national), (LOCAL, local)):
        for name, link in links:
            files[f"{SEARCH_DIR}/{prefix}/{name}"] = link
    return MappingProxyType(files)


SEARCH_ENTRIES = tuple(f"{SEARCH_DIR}/{b}/{_ENTRY}" for b in (NATIONAL, LOCAL))
"""The entry file of each bundle, as paths in a site."""


def _install_bundle(built: Path, target: Path, scripts: bool,
                    reuse: Path | None) -> None:
    """Move a built bundle into the store under its key, in one rename."""
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    _copy_kept(built, tmp, scripts, reuse if reuse and reuse.is_dir() else None)
    if target.exists():
        shutil.rmtree(target)
    os.rename(tmp, target)


def record_search(output_dir: Path, national: NationalBundle,
                  used: dict[str, str]) -> None:
    """Remember which bundles the sites use and drop the ones none uses any more.

    `used` maps the slugs of the sites built this time to their local key;
    sites not built this time keep theirs.
    """
    store = SearchStore(output_dir)
    state = store.load()
    sites: dict[str, list[str]] = state["sites"]
    for slug, local_key in used.items():
        sites[slug] = [national.key, local_key]
    state["national"] = national.key
    state["version"] = _code_version()
    store.save(state)
    if national.record_cache is not None:
        _save_record_cache(store, national.record_cache)
    _collect_garbage(store, sites)


def forget_unused_bundles(output_dir: Path) -> None:
    """After a failed build: drop the bundles it made that no live site uses."""
    store = SearchStore(output_dir)
    _collect_garbage(store, store.load()["sites"])


def _collect_garbage(store: SearchStore, sites: dict[str, list[str]]) -> None:
    """Drop bundles no site uses any more (sites not built this time keep theirs)."""
    used_national = {keys[0] for keys in sites.values()}
    national_root = store.root / NATIONAL
    if national_root.is_dir():
        for bundle in national_root.iterdir():
            if bundle.name not in used_national:
                shutil.rmtree(bundle)
    used_local = {keys[1] for keys in sites.values() if len(keys) > 1}
    local_root = store.root / LOCAL
    if local_root.is_dir():
        for bundle in local_root.iterdir():
            if bundle.name not in used_local:
                shutil.rmtree(bundle)  # also the per-site folders of older builds
    locks = store.root / "locks"  # no worker holds one now: the build is over
    if locks.is_dir():
        for lock in locks.iterdir():
            if lock.name not in used_local:
                lock.unlink()
    tmp = store.root / "tmp"
    if tmp.is_dir() and not any(tmp.iterdir()):
        tmp.rmdir()
