"""Building from the CMS's published catalogue instead of content/ files."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import THEMES

from samenloket.cli import main
from samenloket.commands.dump import canonical_json
from samenloket.loader import load_catalogue
from samenloket.remote import RemoteCatalogueError, fetch_catalogue


@pytest.fixture
def cms_url(content: Path) -> Iterator[str]:
    """A stand-in for the CMS: serves the fixture catalogue at /api/catalogue/."""
    body = canonical_json(load_catalogue(content)).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            status = 200 if self.path == "/api/catalogue/" else 404
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body if status == 200 else b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_fetch_catalogue_equals_files(content: Path, cms_url: str) -> None:
    """The catalogue from the API is the same model as the one from the files."""
    assert fetch_catalogue(cms_url) == load_catalogue(content)


def test_build_from_cms_source(cms_url: str, tmp_path: Path) -> None:
    """`samenloket build --source URL` builds the sites from the API."""
    out = tmp_path / "public"
    args = ["--themes", str(THEMES), "build", "--source", cms_url, "--out", str(out),
            "--quiet", "--jobs", "1"]
    assert main(args) == 0
    page = out / "zwolle/producten/grofvuil-ophalen/index.html"
    assert "€ 25,00" in page.read_text()


def test_unreachable_cms_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RemoteCatalogueError, match="niet bereikbaar"):
        fetch_catalogue("http://127.0.0.1:9", timeout=2)
