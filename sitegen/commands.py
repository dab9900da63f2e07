"""`samenloket build` and `samenloket serve`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from samenloket.errors import ContentErrors
from samenloket.loader import load_catalogue
from samenloket.model import Catalogue

from .search import NationalBuild
from .workers import collector_paused


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gemeente",
        action="append",
        metavar="GM0344",
        help="alleen deze gemeente (CBS-code of slug); mag vaker",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("public"),
        help="uitvoermap (standaard: public/)",
    )
    parser.add_argument(
        "--jobs", type=int, default=0, help="aantal processen (standaard: aantal cores)"
    )
    parser.add_argument("--quiet", action="store_true", help="geen voortgang tonen")
    parser.add_argument(
        "--source",
        metavar="CMS-URL",
        help="bouw uit de gepubliceerde catalogus van de CMS "
        "(bijv. http://127.0.0.1:8000) in plaats van content/",
    )


def run_build(args: argparse.Namespace) -> int:
    # No garbage collection in this process while it loads and builds: what
    # it makes lives until the end, and the build's workers collect their own
    # (see sitegen.workers).
    with collector_paused():
        return _load_and_build(args)


def _load_and_build(args: argparse.Namespace) -> int:
    from samenloket.remote import RemoteCatalogueError, fetch_catalogue

    try:
        if args.source:
            catalogue = fetch_catalogue(args.source)
        else:
            catalogue = load_catalogue(args.content, themes_dir=args.themes)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except RemoteCatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    # The national search index is made in a helper process from now on, while
    # Pelican and the build's modules load (~0.15 s of one core otherwise idle).
    national = NationalBuild(catalogue, args.out)
    try:
        return _build_with_pelican(args, catalogue, national)
    finally:
        national.close()  # only if the build never got to use it


def _build_with_pelican(args: argparse.Namespace, catalogue: Catalogue,
                        national: NationalBuild) -> int:
    from pelican import Pelican

    from .build import BuildError
    from .generator import CatalogueGenerator
    from .settings import pelican_settings

    logging.getLogger("pelican").setLevel(logging.WARNING)
    from pelican.log import console

    console.quiet = True  # Pelican's own "Processed 0 articles" line means nothing here
    settings = pelican_settings(
        args.content,
        args.themes,
        args.out,
        SAMENLOKET_GEMEENTEN=args.gemeente,
        SAMENLOKET_JOBS=args.jobs,
        SAMENLOKET_PROGRESS=not args.quiet and sys.stderr.isatty(),
    )
    settings["SAMENLOKET_CATALOGUE"] = catalogue
    settings["SAMENLOKET_NATIONAL"] = national
    try:
        Pelican(settings).run()
    except BuildError as exc:
        print(f"build mislukt:\n{exc}", file=sys.stderr)
        return 1
    summary = CatalogueGenerator.last_summary
    assert summary is not None
    print(summary.format())
    print(
        f"Uitvoer: {args.out}/<gemeente>/ (bijvoorbeeld {args.out}/utrecht/index.html)"
    )
    return 0


def add_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cms",
        default="http://127.0.0.1:8000",
        help="adres van de CMS (standaard: http://127.0.0.1:8000)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--max-age",
        type=int,
        default=30 * 60,
        help="seconden dat een voorbeeldlink geldig is",
    )


def run_preview(args: argparse.Namespace) -> int:
    from samenloket.remote import fetch_catalogue

    from .preview import PreviewService, cms_draft_fetcher, serve

    service = PreviewService(
        cms_draft_fetcher(args.cms),
        lambda: fetch_catalogue(args.cms),
        args.themes,
        max_age=args.max_age,
    )
    serve(service, args.host, args.port)
    return 0


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=Path("public"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)


def run_serve(args: argparse.Namespace) -> int:
    from .localserve import LOCAL_SUFFIX, make_server

    if not (args.dir / "index.html").is_file():
        print(
            f"{args.dir} heeft nog geen sites: draai eerst 'samenloket build'",
            file=sys.stderr,
        )
        return 1
    with make_server(args.dir, args.host, args.port) as server:
        port = server.server_address[1]
        built = sorted(p.name for p in args.dir.iterdir()
                       if (p / "index.html").is_file())
        example = "utrecht" if "utrecht" in built else (built or ["utrecht"])[0]
        print(f"Alle gemeentesites: http://{args.host}:{port}/ (stop met Ctrl+C)\n"
              f"Een site zoals op de echte host, met zijn eigen foutpagina en "
              f"beveiligingsheaders: http://{example}{LOCAL_SUFFIX}:{port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
