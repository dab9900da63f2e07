"""Preview server: a CMS draft rendered by sitegen in the gemeente's own theme.

wagtail-headless-preview sends the editor to `/preview?content_type=…&token=…`.
This server asks the CMS for the draft behind the token (already converted to the
catalogue model, see cms/publishing/preview.py), lays it over the published
catalogue, and renders the page with the real templates and theme plus a clear
"concept" marker. Tokens older than `max_age` are refused, and every other page
of the draft site can be browsed under the same token.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from samenloket.model import Catalogue

from .build import Renderer, static_files, theme_for
from .deps import DependencyIndex
from .site import SiteInfo, site_pages

DEFAULT_MAX_AGE = 30 * 60  # seconds a preview link stays valid


class PreviewError(Exception):
    """A preview that cannot be shown; the message is for the editor (Dutch)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def apply_patch(published: Catalogue, patch: dict[str, dict[str, Any]]) -> Catalogue:
    """The published catalogue with draft entries laid over it, validated again."""
    data = published.model_dump(mode="json")
    for key, entries in patch.items():
        if key not in ("products", "life_events", "profiles"):
            raise PreviewError(400, f"onbekend soort concept: {key}")
        data[key].update(entries)
    return Catalogue.model_validate(data)


@dataclass
class Draft:
    """One previewed draft: the catalogue with it applied, and where to look."""

    catalogue: Catalogue
    gemeente: str
    path: str
    created: float
    content_type: str = ""
    token: str = ""
    national: bool = False
    pages: dict[str, bytes] = field(default_factory=dict)
    renderer: Renderer | None = None


def render_page(
    catalogue: Catalogue,
    cbs: str,
    path: str,
    themes_dir: Path,
    concept: dict[str, Any] | None = None,
    renderer: Renderer | None = None,
) -> bytes | None:
    """Render one output path of one gemeente's site, or None if it does not exist.

    Pass the same `renderer` for pages of one draft, so templates compile once.
    """
    theme = theme_for(catalogue, themes_dir, cbs)
    if path.startswith("static/"):
        return static_files(theme).get(path)
    index = DependencyIndex(catalogue, "preview")
    logo = theme.settings.get("logo")
    site = SiteInfo(catalogue, cbs, theme.name, logo=f"static/{logo}" if logo else None)
    wanted = (
        path
        if path.endswith((".html", ".xml", ".txt", ".json"))
        else path.rstrip("/") + "/index.html"
        if path
        else "index.html"
    )
    for spec in site_pages(site, index):
        if spec.path != wanted:
            continue
        if spec.produce is not None:
            return spec.produce()
        assert spec.template is not None and spec.context is not None
        env = (renderer or Renderer(catalogue, {})).env(theme)
        context = spec.context()
        if concept is not None:
            context["concept"] = concept
        return env.get_template(spec.template).render(context).encode("utf-8")
    return None


DraftFetcher = Callable[[str, str], dict[str, Any]]
CatalogueSource = Callable[[], Catalogue]


def cms_draft_fetcher(cms_url: str) -> DraftFetcher:
    """Ask the CMS preview API for the draft behind a headless-preview token."""

    def fetch(content_type: str, token: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"content_type": content_type, "token": token})
        url = f"{cms_url.rstrip('/')}/api/preview/?{query}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise PreviewError(
                exc.code if exc.code in (404, 410) else 502,
                "Dit concept is niet (meer) te vinden. Klik in de CMS "
                "opnieuw op Voorbeeld.",
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise PreviewError(502, f"De CMS is niet bereikbaar ({exc}).") from None

    return fetch


class PreviewService:
    """Turns a token into a browsable draft site; keeps drafts until they expire."""

    def __init__(
        self,
        fetch_draft: DraftFetcher,
        published: CatalogueSource,
        themes_dir: Path,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ):
        self.fetch_draft = fetch_draft
        self.published = published
        self.themes_dir = themes_dir
        self.max_age = max_age
        self.clock = clock
        self._drafts: dict[str, Draft] = {}
        self._lock = threading.Lock()

    def open(self, content_type: str, token: str, gemeente: str | None = None) -> str:
        """Load a draft; returns the URL path of its page on the preview server."""
        answer = self.fetch_draft(content_type, token)
        created = datetime.fromisoformat(answer["created_at"]).astimezone(UTC)
        if self.clock() - created.timestamp() > self.max_age:
            raise PreviewError(
                410,
                "Deze voorbeeldlink is verlopen. Klik in de CMS opnieuw op Voorbeeld.",
            )
        catalogue = apply_patch(self.published(), answer["patch"])
        cbs = (gemeente or answer.get("gemeente") or "").upper()
        if cbs not in catalogue.gemeenten:
            raise PreviewError(400, f"Onbekende gemeente '{cbs}'. Kies een gemeente.")
        national = not answer["patch"].get("profiles")
        draft = Draft(
            catalogue,
            cbs,
            answer["path"],
            created.timestamp(),
            content_type,
            token,
            national,
        )
        with self._lock:
            self._forget_expired()
            self._drafts[token] = draft
        slug = catalogue.gemeenten[cbs].slug
        return f"/preview/{token}/{slug}/{draft.path}"

    def page(self, token: str, path: str) -> bytes:
        """Render any page of the draft site (the first segment is the gemeente)."""
        with self._lock:
            self._forget_expired()
            draft = self._drafts.get(token)
        if draft is None:
            raise PreviewError(
                410,
                "Deze voorbeeldlink is verlopen. Klik in de CMS opnieuw op Voorbeeld.",
            )
        slug, _, rest = path.partition("/")
        if slug != draft.catalogue.gemeenten[draft.gemeente].slug:
            raise PreviewError(404, "Deze pagina hoort niet bij dit voorbeeld.")
        cached = draft.pages.get(rest)
        if cached is None:
            name = draft.catalogue.gemeenten[draft.gemeente].display_name
            concept: dict[str, Any] = {
                "gemeente": name,
                "created": datetime.fromtimestamp(draft.created, UTC).strftime(
                    "%d-%m-%Y %H:%M UTC"
                ),
                "switch": None,
            }
            if draft.national:  # a national draft can be seen on any gemeente's site
                options = sorted(
                    ((c, g.display_name) for c, g in draft.catalogue.gemeenten.items()),
                    key=lambda item: item[1],
                )
                concept["switch"] = {
                    "content_type": draft.content_type,
                    "token": draft.token,
                    "options": options,
                    "current": draft.gemeente,
                }
            draft.renderer = draft.renderer or Renderer(draft.catalogue, {})
            cached = render_page(
                draft.catalogue, draft.gemeente, rest, self.themes_dir, concept,
                draft.renderer,
            )
            if cached is None:
                raise PreviewError(404, "Deze pagina bestaat niet in het voorbeeld.")
            draft.pages[rest] = cached
        return cached

    def _forget_expired(self) -> None:
        now = self.clock()
        for token in [
            t for t, d in self._drafts.items() if now - d.created > self.max_age
        ]:
            del self._drafts[token]


_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".js": "text/javascript",
    ".txt": "text/plain",
}


def make_handler(service: PreviewService) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urllib.parse.urlsplit(self.path)
            try:
                if url.path.rstrip("/") == "/preview":
                    query = dict(urllib.parse.parse_qsl(url.query))
                    if "token" not in query or "content_type" not in query:
                        raise PreviewError(400, "token en content_type ontbreken")
                    target = service.open(
                        query["content_type"], query["token"], query.get("gemeente")
                    )
                    self.send_response(303)
                    self.send_header("Location", target)
                    self.end_headers()
                    return
                if url.path.startswith("/preview/"):
                    token, _, rest = url.path[len("/preview/") :].partition("/")
                    body = service.page(token, urllib.parse.unquote(rest))
                    suffix = Path(rest).suffix or ".html"
                    self._send(
                        200, body, _TYPES.get(suffix, "application/octet-stream")
                    )
                    return
                raise PreviewError(404, "Niet gevonden")
            except PreviewError as exc:
                self._send(
                    exc.status,
                    f'<!doctype html><html lang="nl"><title>Voorbeeld'
                    f"</title><h1>Voorbeeld niet beschikbaar</h1><p>{exc.message}"
                    "</p></html>".encode(),
                    "text/html; charset=utf-8",
                )

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Robots-Tag", "noindex")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


def serve(service: PreviewService, host: str = "127.0.0.1", port: int = 8001) -> None:
    with http.server.ThreadingHTTPServer((host, port), make_handler(service)) as server:
        print(f"Voorbeeldserver: http://{host}:{port}/preview (stop met Ctrl+C)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
