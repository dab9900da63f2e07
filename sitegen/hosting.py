"""What a static host needs besides the pages: security.txt and security headers.

Every site gets `/.well-known/security.txt` (RFC 9116) and a `_headers` file
(the format Netlify and Cloudflare Pages read); the build also writes one sample
nginx configuration for all sites. All three come from the constants below, so
the header set documented in docs/hosting.md is the one that is deployed.

security.txt must carry an Expires date less than a year ahead. Taking "now"
in every build would change 342 files on every build; instead Expires is the
end of the next half-year (or a fixed date from catalogus.yaml), so the file
changes twice a year and a build is byte-stable in between. SOURCE_DATE_EPOCH
(the reproducible-builds convention) overrides the build date.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from samenloket.model import Catalogue, Settings
from samenloket.resolve import profile_for, site_url

if TYPE_CHECKING:  # pragma: no cover
    from .deps import DependencyIndex, Token
    from .site import PageSpec, SiteInfo

SECURITY_TXT_PATH = ".well-known/security.txt"
HEADERS_PATH = "_headers"
NGINX_SAMPLE_PATH = "nginx-samenloket.conf"

# Only our own origin; WebAssembly compilation is needed for the search
# (Pagefind) and is not 'unsafe-eval': JavaScript eval stays blocked. The search
# runs on the page itself (no web worker), so no worker may start.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'none'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "upgrade-insecure-requests",
])

# (name, value) for every response. Checked against internet.nl's rules in
# tests/frontend/test_frontend_hosting.py.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy",
     "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)

# Extra headers per path prefix (file names are not content-hashed, so caching
# stays short; HTML is revalidated on every visit).
CACHE_RULES: tuple[tuple[str, str], ...] = (
    ("/static/", "public, max-age=3600"),
    ("/zoekindex/", "public, max-age=3600"),
)


class HostingError(Exception):
    """A hosting setting that cannot produce a valid file (names the field)."""


def build_date() -> date:
    """The date a build counts as made on: SOURCE_DATE_EPOCH or today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return datetime.now(UTC).date()


def security_txt_expires(settings: Settings, today: date | None = None) -> datetime:
    """Expires for security.txt: fixed from settings, else the next half-year end.

    The automatic date lies 6 to 12 months ahead and only moves on 1 January and
    1 July, so builds in between produce identical bytes.
    """
    today = today or build_date()
    if settings.security_txt_expires is not None:
        fixed = datetime.combine(settings.security_txt_expires, datetime.min.time(),
                                 tzinfo=UTC)
        limit = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
        if not limit < fixed <= limit + timedelta(days=365):
            raise HostingError(
                "catalogus.yaml: security_txt_expires "
                f"{settings.security_txt_expires.isoformat()} moet na vandaag "
                f"({today.isoformat()}) en binnen een jaar liggen (RFC 9116); "
                "kies een nieuwe datum of laat het veld weg voor een automatische "
                "datum")
        return fixed
    half_year_start = 1 if today.month <= 6 else 7
    start_next = datetime(today.year + 1, half_year_start, 1, tzinfo=UTC)
    return start_next - timedelta(seconds=1)


def security_contacts(catalogue: Catalogue, cbs_code: str) -> list[str]:
    """Contact lines in order of preference: the gemeente's own, then the platform.

    Never compared with each other (a gemeente's website is an https address,
    the platform's contact by default a mailto:), so security.txt is filled
    in from its shape like the pages (samenloket.stamp).
    """
    contact = profile_for(catalogue, cbs_code).contact
    own = contact.contact_form_url or contact.website
    platform = catalogue.settings.security_contact
    return [own, platform] if own else [platform]


def security_txt(site: SiteInfo, expires: datetime) -> bytes:
    """RFC 9116 security.txt for one site."""
    lines = [
        f"# Ziet u een beveiligingsprobleem op de site van gemeente {site.name}?",
        "# Meld het ons, dan lossen wij het op. Misbruik het probleem niet.",
        "# Found a security problem on this site? Please report it to us.",
    ]
    lines += [f"Contact: {url}" for url in security_contacts(site.catalogue,
                                                              site.cbs_code)]
    lines.append(f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    lines.append("Preferred-Languages: nl, en")
    lines.append(f"Canonical: {site.url}/{SECURITY_TXT_PATH}")
    if site.catalogue.settings.security_policy:
        lines.append(f"Policy: {site.catalogue.settings.security_policy}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def headers_file() -> bytes:
    """`_headers` for Netlify and Cloudflare Pages: the same for every site."""
    lines = [
        "# Beveiligingsheaders voor deze site (Netlify, Cloudflare Pages).",
        "# Gemaakt door samenloket, uitleg in docs/hosting.md. Niet zelf wijzigen.",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    for prefix, cache in CACHE_RULES:
        lines += [f"{prefix}*", f"  Cache-Control: {cache}"]
    lines += [f"/{SECURITY_TXT_PATH}", "  Content-Type: text/plain; charset=utf-8"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    """Path pattern → headers, as Netlify reads a `_headers` file (for tests)."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            current = rules.setdefault(raw.strip(), {})
            continue
        if current is None or ":" not in raw:
            raise ValueError(f"ongeldige regel in _headers: {raw!r}")
        name, value = raw.strip().split(":", 1)
        current[name.strip()] = value.strip()
    return rules


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def nginx_config(catalogue: Catalogue, root: str = "/srv/samenloket/public") -> bytes:
    """A sample nginx server for all sites: one host → one folder of public/."""
    sites = sorted((site_url(catalogue, code), g.slug)
                   for code, g in catalogue.gemeenten.items())
    width = max((len(_host(url)) for url, _ in sites), default=0)
    mapping = "\n".join(f"    {_host(url):<{width}} {slug};" for url, slug in sites)
    headers = "\n".join(f'    add_header {name} "{value}" always;'
                        for name, value in SECURITY_HEADERS)
    cache = "\n".join(
        f"    location {prefix} {{\n        try_files $uri =404;\n"
        f"        expires 1h;\n    }}" for prefix, _ in CACHE_RULES)
    text = f"""\
# Voorbeeldconfiguratie voor nginx: alle samenloket-sites op één server.
# Gemaakt door samenloket (sitegen/hosting.py); uitleg in docs/hosting.md.
# Pas de paden van de certificaten en van {root} aan.

map $host $samenloket_site {{
    default "";
{mapping}
}}

server {{
    listen 80;
    listen [::]:80;
    server_name _;
    return 301 https://$host$request_uri;
}}

server {{
    # nginx 1.25.1 and newer prefer "listen 443 ssl;" plus "http2 on;"
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name _;
    ssl_certificate     /etc/ssl/samenloket/fullchain.pem;
    ssl_certificate_key /etc/ssl/samenloket/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    server_tokens off;

    if ($samenloket_site = "") {{
        return 404;
    }}
    root {root}/$samenloket_site;
    index index.html;
    charset utf-8;
    error_page 404 /404.html;

    gzip on;
    gzip_comp_level 6;
    gzip_types text/css text/plain application/javascript application/json
               application/xml application/atom+xml image/svg+xml;

    # Beveiligingsheaders (dezelfde als in _headers); 'always' zet ze ook op
    # foutpagina's. Geen add_header in een location: die zou deze wissen.
{headers}

    location / {{
        try_files $uri $uri/ =404;
    }}
    location = /_headers {{
        return 404;
    }}
    location ^~ /.well-known/ {{
        default_type text/plain;
        try_files $uri =404;
    }}
    location ~ /\\. {{
        return 404;
    }}
{cache}
}}
"""
    return text.encode("utf-8")


def hosting_pages(site: SiteInfo, index: DependencyIndex) -> list[PageSpec]:
    """security.txt and `_headers` as outputs of one site (staged with its pages)."""
    from .site import PageSpec

    expires = security_txt_expires(site.catalogue.settings)
    stamp = expires.isoformat()
    index.register(("expires", stamp), stamp)  # a new date re-renders the file
    tokens: list[Token] = [("site", site.cbs_code), ("expires", stamp)]
    return [
        PageSpec(SECURITY_TXT_PATH, tokens,
                 produce=lambda: security_txt(site, expires)),
        PageSpec(HEADERS_PATH, [("site", site.cbs_code)], produce=headers_file),
    ]
