"""Hosting and security: security.txt (RFC 9116, checked with sectxt), the
generated header set checked against internet.nl's rules, no cookies, no
third-party requests, and byte-stable hosting files."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from samenloket.model import Settings
from sitegen.hosting import (
    HEADERS_PATH,
    NGINX_SAMPLE_PATH,
    SECURITY_HEADERS,
    SECURITY_TXT_PATH,
    HostingError,
    parse_headers_file,
    security_txt_expires,
)
from sitegen.localserve import make_server

# internet.nl's rules for security headers, as the issue spells them out.
PRIVACY_FRIENDLY_REFERRER = {"no-referrer", "same-origin", "strict-origin",
                             "strict-origin-when-cross-origin"}


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def internet_nl_problems(headers: dict[str, str]) -> list[str]:
    """Every rule of internet.nl's header test that these headers break."""
    h = {k.lower(): v for k, v in headers.items()}
    problems = []
    hsts = re.search(r"max-age=(\d+)", h.get("strict-transport-security", ""))
    if not hsts or int(hsts.group(1)) < 31536000:
        problems.append("HSTS max-age moet minstens 31536000 (1 jaar) zijn")
    if h.get("x-content-type-options", "").lower() != "nosniff":
        problems.append("X-Content-Type-Options moet nosniff zijn")
    if h.get("x-frame-options", "").upper() not in {"DENY", "SAMEORIGIN"}:
        problems.append("X-Frame-Options moet DENY of SAMEORIGIN zijn")
    if h.get("referrer-policy", "").lower() not in PRIVACY_FRIENDLY_REFERRER:
        problems.append("Referrer-Policy is niet privacyvriendelijk")
    csp = csp_directives(h.get("content-security-policy", ""))
    if csp.get("default-src") not in (["'self'"], ["'none'"]):
        problems.append("CSP: default-src moet 'self' of 'none' zijn")
    for required in ("frame-ancestors", "base-uri", "form-action"):
        if required not in csp:
            problems.append(f"CSP: {required} ontbreekt")
    for name, sources in csp.items():
        for source in sources:
            lowered = source.lower()
            if lowered in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"):
                problems.append(f"CSP: {name} staat {source} toe")
            if lowered.startswith("http:") or lowered == "http:":
                problems.append(f"CSP: {name} staat http: toe")
            if "*" in lowered:
                problems.append(f"CSP: {name} heeft een wildcard ({source})")
            if lowered in ("data:", "https:"):
                problems.append(f"CSP: {name} staat elke bron met {source} toe")
    return problems


def test_rules_catch_weak_headers() -> None:
    """The encoded internet.nl rules reject what they should."""
    weak = {"Strict-Transport-Security": "max-age=3600",
            "X-Frame-Options": "ALLOW-FROM https://x.nl",
            "Referrer-Policy": "unsafe-url",
            "Content-Security-Policy":
                "default-src *; script-src 'self' 'unsafe-inline' http://cdn.nl"}
    problems = "\n".join(internet_nl_problems(weak))
    for expected in ("HSTS", "nosniff", "X-Frame-Options", "Referrer-Policy",
                     "default-src", "frame-ancestors", "base-uri", "form-action",
                     "'unsafe-inline'", "http:", "wildcard"):
        assert expected in problems, expected


def test_headers_file_passes_internet_nl_rules(frontend_site: Path) -> None:
    """Every site's `_headers` sends the full set on every path."""
    for site in ("utrecht", "zwolle", "schiermonnikoog", "amersfoort"):
        rules = parse_headers_file((frontend_site / site / HEADERS_PATH).read_text())
        assert internet_nl_problems(rules["/*"]) == [], site
        assert "'unsafe-eval'" not in rules["/*"]["Content-Security-Policy"]


def test_nginx_sample_sends_the_same_headers(frontend_site: Path) -> None:
    """The nginx sample has every header (with 'always') and a host per site."""
    conf = (frontend_site / NGINX_SAMPLE_PATH).read_text()
    headers = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', conf))
    assert headers == dict(SECURITY_HEADERS)
    assert internet_nl_problems(headers) == []
    assert re.search(r"\n    utrecht\.samenloket\.test +utrecht;\n", conf)
    assert "return 301 https://" in conf
    # add_header in a location would drop the server-level headers
    for block in re.findall(r"location [^{]+\{([^}]*)\}", conf):
        assert "add_header" not in block


def test_security_txt_is_valid(frontend_site: Path) -> None:
    """security.txt parses without errors in sectxt and names a contact we know."""
    from sectxt import Parser

    for site, contact in (("schiermonnikoog", "mailto:security@samenloket.nl"),
                          ("utrecht", "https://www.utrecht.nl/contact/"),
                          ("amersfoort", "https://www.amersfoort.nl")):
        text = (frontend_site / site / SECURITY_TXT_PATH).read_text()
        url = f"https://{site}.samenloket.test/{SECURITY_TXT_PATH}"
        parsed = Parser(text.encode(), urls=url)
        assert parsed.is_valid(), (site, parsed.errors)
        assert not parsed.errors, (site, parsed.errors)
        contacts = [line.split(": ", 1)[1] for line in text.splitlines()
                    if line.startswith("Contact:")]
        assert contacts[0] == contact
        assert "mailto:security@samenloket.nl" in contacts
        assert f"Canonical: https://{site}.samenloket.test/{SECURITY_TXT_PATH}" in text


def test_expires_is_byte_stable_within_a_half_year() -> None:
    """Expires moves on 1 January and 1 July only, and is 6 to 12 months ahead."""
    settings = Settings()
    july = [security_txt_expires(settings, date(2026, 7, d)) for d in (1, 15, 31)]
    assert len(set(july)) == 1
    assert july[0] == datetime(2027, 6, 30, 23, 59, 59, tzinfo=UTC)
    assert security_txt_expires(settings, date(2026, 12, 31)) == july[0]
    assert security_txt_expires(settings, date(2027, 1, 1)) == datetime(
        2027, 12, 31, 23, 59, 59, tzinfo=UTC)
    for day in (date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1)):
        ahead = security_txt_expires(settings, day) - datetime(
            day.year, day.month, day.day, tzinfo=UTC)
        assert 180 <= ahead.days < 365


def test_fixed_expires_must_lie_within_a_year() -> None:
    """A fixed date from catalogus.yaml is used, or refused with the field name."""
    fixed = Settings(security_txt_expires=date(2027, 3, 1))
    assert security_txt_expires(fixed, date(2026, 11, 23)).date() == date(2027, 3, 1)
    with pytest.raises(HostingError, match="security_txt_expires"):
        security_txt_expires(fixed, date(2027, 3, 2))
    with pytest.raises(HostingError, match="binnen een jaar"):
        security_txt_expires(fixed, date(2025, 1, 1))


def test_source_date_epoch_sets_the_build_date(monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert security_txt_expires(Settings()) == datetime(2026, 12, 31, 23, 59, 59,
                                                        tzinfo=UTC)


def test_settings_refuse_an_unusable_contact() -> None:
    with pytest.raises(ValueError, match="ongeldig contact"):
        Settings(security_contact="security@example.nl")


def test_no_plain_http_links(frontend_site: Path) -> None:
    """No page links to or loads anything over plain http."""
    for page in frontend_site.rglob("*.html"):
        text = page.read_text().replace('xmlns="http://', "")
        assert not re.search(r'(href|src|action)="http://', text), page


@pytest.mark.browser
def test_no_cookies_and_no_third_party_requests(chromium, base_url: str) -> None:
    """Pages and the search load only from their own origin and set no cookie."""
    context = chromium.new_context()
    page = context.new_page()
    origins = set()
    page.on("request", lambda request: origins.add(
        re.match(r"^(\w+://[^/]+)", request.url).group(1)))
    try:
        for path in ("utrecht/", "schiermonnikoog/producten/paspoort-aanvragen/",
                     "zwolle/zoeken/?q=paspoort"):
            page.goto(f"{base_url}/{path}")
        page.wait_for_selector("#zoekresultaten li", timeout=15000)
        assert origins == {base_url}
        assert context.cookies() == []
    finally:
        context.close()


@pytest.mark.browser
def test_not_found_page_works_at_any_address(chromium, frontend_site: Path) -> None:
    """The host shows 404.html at the unknown address itself, however deep
    (/producten/typfout/): its styles load and its links lead to real pages.
    The site is served as `samenloket serve` serves it at its own host
    (utrecht.localhost: the site at the root, nginx's error_page 404, the CSP)."""
    server = make_server(frontend_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://utrecht.localhost:{server.server_address[1]}"
    context = chromium.new_context()
    page = context.new_page()
    missing = f"{url}/producten/bestaat-niet/"
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.url != missing else None)
    try:
        response = page.goto(missing)
        assert response is not None and response.status == 404
        expect(page.locator("h1")).to_have_text("Deze pagina bestaat niet")
        page.wait_for_load_state("load")
        assert not failed, failed  # stylesheets, icon: all found
        display = page.evaluate(
            "getComputedStyle(document.querySelector('.site-nav__list')).display")
        assert display == "flex", display  # components.css applies
        page.get_by_role("link", name="Bekijk alle producten en diensten").click()
        expect(page).to_have_url(f"{url}/producten/")
        expect(page.locator("h1")).not_to_have_text("Deze pagina bestaat niet")
        assert not failed, failed
    finally:
        context.close()
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                    reason="nginx is not installed: make nginx")
def test_nginx_sample_is_accepted_by_nginx(frontend_site: Path, tmp_path: Path) -> None:
    """`nginx -t` accepts the sample (with a throw-away certificate)."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out",
                    str(tmp_path / "fullchain.pem"), "-days", "1", "-subj", "/CN=test"],
                   check=True, capture_output=True)
    conf = (frontend_site / NGINX_SAMPLE_PATH).read_text()
    (tmp_path / "site.conf").write_text(conf.replace("/etc/ssl/samenloket",
                                                     str(tmp_path)))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n"
        f"  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
