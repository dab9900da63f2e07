"""`samenloket serve` (sitegen.localserve): every site under /<slug>/, and at
the root of its own host <slug>.localhost as the real host serves it."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import FIXTURE_CONTENT, THEMES

from samenloket.loader import load_catalogue
from sitegen.build import BuildOptions, build_sites
from sitegen.hosting import CONTENT_SECURITY_POLICY
from sitegen.localserve import local_headers, make_server


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve") / "public"
    catalogue = load_catalogue(FIXTURE_CONTENT, themes_dir=THEMES)
    build_sites(catalogue, BuildOptions(content_dir=FIXTURE_CONTENT, themes_dir=THEMES,
                                        output_dir=out, jobs=1, search=False))
    return out


@pytest.fixture(scope="module")
def port(public: Path) -> Iterator[int]:
    server = make_server(public, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def get(port: int, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET path with this Host header (as a browser sends it for that host)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_site_at_the_root_of_its_own_host(public: Path, port: int) -> None:
    status, headers, body = get(port, "utrecht.localhost", "/")
    assert status == 200
    assert body == (public / "utrecht/index.html").read_bytes()
    css = get(port, "utrecht.localhost", "/static/css/thema.css")
    assert css[0] == 200
    assert css[2] == (public / "utrecht/static/css/thema.css").read_bytes()


def test_site_headers_are_sent_without_the_https_only_ones(port: int) -> None:
    """The CSP of the site's _headers, minus what only works over https; no
    HSTS, and no cache rule that would hide a new build."""
    for host, path in (("utrecht.localhost", "/producten/"),
                       ("127.0.0.1", "/utrecht/producten/")):
        status, headers, _ = get(port, host, path)
        assert status == 200, (host, path)
        policy = headers["Content-Security-Policy"]
        assert policy == CONTENT_SECURITY_POLICY.replace(
            "; upgrade-insecure-requests", "")
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers
        assert "Cache-Control" not in headers
    assert "Content-Security-Policy" not in get(port, "127.0.0.1", "/")[1]


def test_unknown_address_gets_the_sites_404_page(public: Path, port: int) -> None:
    status, headers, body = get(port, "utrecht.localhost", "/producten/bestaat-niet/")
    assert status == 404
    assert body == (public / "utrecht/404.html").read_bytes()
    assert "Content-Security-Policy" in headers


def test_under_the_list_a_missing_page_links_to_the_sites_own_host(port: int) -> None:
    status, _, body = get(port, "127.0.0.1", "/zwolle/producten/bestaat-niet/?a=1")
    assert status == 404
    text = body.decode()
    assert f'href="http://zwolle.localhost:{port}/producten/bestaat-niet/"' in text
    assert '<a href="/">Alle gemeentesites</a>' in text


def test_hidden_files_and_folders_are_not_served(public: Path, port: int) -> None:
    """As on the real host: no _headers, no build state or search store, no
    folder listings; /.well-known/ is served."""
    assert (public / ".search").is_dir() or (public / ".state").is_dir()
    hidden = [(host, path) for host, path in (
        ("utrecht.localhost", "/_headers"), ("127.0.0.1", "/utrecht/_headers"),
        ("127.0.0.1", "/.state/utrecht.json"), ("utrecht.localhost", "/static/"),
        ("127.0.0.1", "/utrecht/static/css/"))
        if get(port, host, path)[0] != 404]
    assert hidden == []
    status, headers, body = get(port, "utrecht.localhost", "/.well-known/security.txt")
    assert status == 200 and body.startswith(b"#")
    assert headers["Content-type"] == "text/plain; charset=utf-8"


def test_a_host_for_a_site_that_is_not_built(port: int) -> None:
    for host in ("bestaat-niet.localhost", ".state.localhost"):
        status, _, body = get(port, host, "/")
        assert status == 404, host
        assert "Er is geen site" in body.decode()


def test_local_headers_follow_the_patterns() -> None:
    text = ("/*\n  X-A: 1\n  Content-Security-Policy: default-src 'self'; "
            "upgrade-insecure-requests\n  Strict-Transport-Security: max-age=1\n"
            "/static/*\n  Cache-Control: max-age=1\n  X-B: 2\n"
            "/.well-known/security.txt\n  Content-Type: text/plain\n  X-C: 3\n")
    assert local_headers(text, "/static/a.css") == [
        ("X-A", "1"), ("Content-Security-Policy", "default-src 'self'"), ("X-B", "2")]
    assert ("X-C", "3") in local_headers(text, "/.well-known/security.txt")
    assert ("X-C", "3") not in local_headers(text, "/.well-known/security.txt.bak")


def test_a_bad_request_gets_a_plain_error(port: int) -> None:
    """A request line the server cannot read gets its 400 page (without a
    status line, as http.server answers what it cannot take for HTTP/1), not
    a dropped connection."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/x\r\n\r\n")  # no path read yet
        answer = connection.recv(1024)
    assert b"400" in answer
