"""`samenloket serve`: the built sites on this computer, as a host serves them.

http://127.0.0.1:PORT/ lists every site, each under /<slug>/. A site is also at
the root of a host of its own, http://<slug>.localhost:PORT/ (browsers send
every *.localhost name to this computer, RFC 6761), as the real host serves it
(docs/hosting.md): an unknown address shows the site's 404.html with status
404, hidden files and `_headers` are not served, and every response carries the
site's `_headers` (the Content-Security-Policy included), so a web team sees
locally whether a theme or a template breaks the policy. Left out are what only
works over https or gets in the way of looking at a new build: HSTS,
upgrade-insecure-requests and the cache rules.

Under /<slug>/ the site's headers hold as well, but its 404 page cannot work
(its links start at the site's root): there a missing page is a short page that
links to the site's own address.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .hosting import HEADERS_PATH, SECURITY_TXT_PATH, parse_headers_file

LOCAL_SUFFIX = ".localhost"
# Headers of _headers that do not belong on http://*.localhost (see module doc).
# Content-Type is set by the handler itself (guess_type).
_SKIPPED_HEADERS = {"strict-transport-security", "cache-control", "content-type"}
_HTTPS_ONLY_CSP = {"upgrade-insecure-requests"}


def local_headers(headers_file: str, path: str) -> list[tuple[str, str]]:
    """The headers the site's `_headers` gives `path`, as sent locally."""
    result: dict[str, str] = {}
    for pattern, headers in parse_headers_file(headers_file).items():
        matches = (path.startswith(pattern[:-1]) if pattern.endswith("*")
                   else path == pattern)
        if matches:
            result.update(headers)
    sent = []
    for name, value in result.items():
        if name.lower() in _SKIPPED_HEADERS:
            continue
        if name.lower() == "content-security-policy":
            value = "; ".join(part.strip() for part in value.split(";")
                              if part.strip() not in _HTTPS_ONLY_CSP)
        sent.append((name, value))
    return sent


def site_of_host(host_header: str) -> str | None:
    """The slug a Host header names (utrecht.localhost:8080 → utrecht); None
    for any other host (127.0.0.1, localhost)."""
    host = (urlsplit(f"//{host_header}").hostname or "").lower()
    if not host.endswith(LOCAL_SUFFIX):
        return None
    return host[: -len(LOCAL_SUFFIX)] or None


def hidden(path: str) -> bool:
    """Not served, as on the real host: `_headers` and dot files and folders
    (the build's state and search store), except /.well-known/."""
    parts = [p for p in unquote(urlsplit(path).path).split("/") if p]
    if parts and parts[-1] == HEADERS_PATH:
        return True
    return any(p.startswith(".") and p != ".well-known" for p in parts)


class LocalHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves public/ (`root`), and one site per *.localhost host."""

    root: Path

    def __init__(self, *args: object, root: Path, **kwargs: object) -> None:
        self.root = root
        self.site: str | None = None
        super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

    def send_head(self):  # type: ignore[no-untyped-def]
        self.site = site_of_host(self.headers.get("Host", ""))
        if self.site is not None:
            self.directory = str(self.root / self.site)
        if hidden(self.path) or (self.site is not None and not self._site_built()):
            self.send_error(404)
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        """A folder without index.html is not found (no listing), as on the host."""
        self.send_error(404)
        return None

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if str(path).endswith(SECURITY_TXT_PATH):
            return "text/plain; charset=utf-8"
        return super().guess_type(path)

    def end_headers(self) -> None:
        site, path = self._site_and_path()
        headers = self.root / site / HEADERS_PATH
        if site and not site.startswith(".") and headers.is_file():
            for name, value in local_headers(headers.read_text("utf-8"), path):
                self.send_header(name, value)
        super().end_headers()

    def _site_and_path(self) -> tuple[str, str]:
        """The site a request is for and the path within it (under /<slug>/ too,
        so the policy also holds there)."""
        # No path yet when the request line itself was bad (a 400 error).
        path = posixpath.normpath(unquote(urlsplit(getattr(self, "path", "/")).path))
        if self.site is not None:
            return self.site, path
        slug, _, rest = path.lstrip("/").partition("/")
        return slug, "/" + rest

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = self._not_found_page()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _site_built(self) -> bool:
        site = self.site or ""
        return not site.startswith(".") and "/" not in site and (
            self.root / site / "index.html").is_file()

    def _not_found_page(self) -> bytes:
        """The site's own 404.html on its host; elsewhere a short Dutch page
        that links to the address where the site's own one works."""
        if self.site is not None:
            page = self.root / self.site / "404.html"
            if self._site_built() and page.is_file():
                return page.read_bytes()
            return self._plain_page(
                f"Er is geen site {self.site} gebouwd in {self.root}.", "")
        path = urlsplit(self.path).path
        slug = next((p for p in path.split("/") if p), "")
        link = ""
        if slug and (self.root / slug / "index.html").is_file():
            port = self.server.server_address[1]
            rest = path.split(f"/{slug}", 1)[1] or "/"
            own = f"http://{slug}{LOCAL_SUFFIX}:{port}{rest}"
            link = (f'<p>De foutpagina van de site zelf ziet u op het eigen adres '
                    f'van de site: <a href="{escape(own)}">{escape(own)}</a>.</p>\n')
        return self._plain_page(f"{path} bestaat niet.", link)

    def _plain_page(self, problem: str, more: str) -> bytes:
        home = ("/" if self.site is None  # the list is on this host
                else f"http://localhost:{self.server.server_address[1]}/")
        return ('<!doctype html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
                "<title>Pagina niet gevonden</title>\n</head>\n<body>\n<main>\n"
                f"<h1>Pagina niet gevonden</h1>\n<p>{escape(problem)}</p>\n{more}"
                f'<p><a href="{home}">Alle gemeentesites</a></p>\n'
                "</main>\n</body>\n</html>\n").encode()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.site is None:
            super().log_message(format, *args)
        else:
            super().log_message(f"[{self.site}] {format}", *args)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8080
                ) -> http.server.ThreadingHTTPServer:
    """A server for `samenloket serve` (port 0: any free port)."""
    handler = functools.partial(LocalHostHandler, root=Path(root))
    return http.server.ThreadingHTTPServer((host, port), handler)
