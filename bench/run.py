"""`make bench`: build speed and memory against a bare-Jinja2 floor, same run.

Measures, on this machine and disk: a cold build of all 342 sites, a rebuild
with nothing changed, a rebuild after editing one national product, peak memory,
and the floor (bench/floor.py: the same number of pages rendered by a bare Jinja2
template and written to the same disk, over the same number of processes, timed
like the build from launch to exit). Results go to
bench/results.md; speed is never asserted in tests.
"""

from __future__ import annotations

import json
import mmap
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.floor import TEMPLATE, body_of

if TYPE_CHECKING:  # pragma: no cover
    from samenloket.model import Catalogue

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "build" / "bench"
RESULTS = REPO / "bench" / "results.md"

_MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
import gc
gc.disable()  # as the samenloket command (sitegen.workers.collector_paused)
from samenloket.loader import load_catalogue
from sitegen.search import NationalBuild
content, out, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
catalogue = load_catalogue(content, themes_dir=Path("themes"))
national = NationalBuild(catalogue, out)  # as the samenloket command: indexing
from sitegen.build import BuildOptions, build_sites  # overlaps these imports
options = BuildOptions(content_dir=content, themes_dir=Path("themes"),
                       output_dir=out, jobs=jobs)
summary = build_sites(catalogue, options, national=national)
seconds = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
child = resource.getrusage(resource.RUSAGE_CHILDREN)
own, children = usage.ru_maxrss, child.ru_maxrss
cpu = usage.ru_utime + usage.ru_stime + child.ru_utime + child.ru_stime
search = summary.search
print(json.dumps({"seconds": seconds, "pages": summary.pages, "cpu": cpu,
                  "stamped": summary.pages_stamped,
                  "written": summary.pages_written,
                  "rendered": summary.pages_rendered, "sites": summary.sites,
                  "pieces": summary.export_pieces_rendered,
                  "parent_mb": own / 1024, "worker_mb": children / 1024,
                  "search": None if search is None else {
                      k: getattr(search, k) for k in (
                          "seconds", "national_built", "national_pages",
                          "local_built", "local_pages", "sites_linked")}}))
from samenloket.cli import exit_now
exit_now(0)  # as the samenloket command ends
"""


def measure_build(content: Path, out: Path, jobs: int) -> dict:
    """One build in a fresh process: wall time includes imports and loading.

    Dirty pages of earlier steps are flushed first, so every measurement starts
    from the same state of the disk.
    """
    os.sync()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(content), str(out), str(jobs)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - started
    return data


Floor = tuple[float, float]  # the floor program's wall time, and of that the
# time its rendering and writing took (bench/floor.py)


def measure_floor(
    root: Path, sites: int, pages: int, page_bytes: int, jobs: int
) -> Floor:
    """Bare Jinja2 (bench/floor.py): the same page count and average size, same
    disk and processes, timed from the program's launch like measure_build.

    root must not exist yet (see main: nothing is deleted while measuring).
    """
    os.sync()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bench.floor", str(root), str(sites), str(pages),
         str(page_bytes), str(jobs)],
        cwd=REPO, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    return wall, float(result.stdout.strip().splitlines()[-1])


# A site's output as the replay floor writes it: folders, files by size, and
# hard links by the file they share (a path in the store).
Shape = tuple[list[str], list[tuple[str, int]], list[tuple[str, str]]]


def output_shapes(out: Path) -> list[Shape]:
    """What every built site holds, to write the same again with no work."""
    shapes: list[Shape] = []
    for site in sorted(p for p in out.iterdir()
                       if p.is_dir() and not p.name.startswith(".")):
        folders, files, links = [], [], []
        for folder, dirs, names in os.walk(site):
            dirs.sort()
            relative = os.path.relpath(folder, site)
            if relative != ".":
                folders.append(relative)
            for name in sorted(names):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                rel = os.path.relpath(path, site)
                if stat.st_nlink > 1:  # a file shared with other sites (search)
                    links.append((rel, f"{stat.st_dev}-{stat.st_ino}"))
                else:
                    files.append((rel, stat.st_size))
        shapes.append((folders, files, links))
    return shapes


def _replay_site(args: tuple[Path, int, Shape]) -> int:
    root, number, (folders, files, links) = args
    base = root / f"site{number}"
    base.mkdir()
    for folder in folders:
        (base / folder).mkdir()
    for rel, size in files:
        if rel.endswith(".html"):
            body = body_of(size)
            data = TEMPLATE.render(title=rel, body=body).encode()
        else:
            data = b"x" * size
        (base / rel).write_bytes(data)
    for rel, shared in links:
        os.link(root / "store" / shared, base / rel)
    return len(files) + len(links)


def measure_replay_floor(root: Path, shapes: list[Shape], jobs: int) -> float:
    """The same folders, files (by size) and hard links as the build wrote, each
    HTML page from a bare Jinja2 template: what this output costs the disk."""
    store = root / "store"
    store.mkdir(parents=True)
    for shared in {s for _, _, links in shapes for _, s in links}:
        (store / shared).write_bytes(b"x" * 1000)  # made by the build once too
    os.sync()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(_replay_site, [(root, n, shape) for n, shape in enumerate(shapes)])
    return time.perf_counter() - started


def measure_pagefind_cli(out: Path, sites: int, sample: int = 3) -> tuple[float, int]:
    """The naive way: the Pagefind CLI over whole sites, timed on a few, scaled up.

    Returns (seconds extrapolated to all sites, pages indexed in the sample).
    """
    from sitegen.search import pagefind_executable

    slugs = sorted(
        p.name
        for p in out.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "index.html").is_file()
    )[:sample]
    pages = 0
    started = time.perf_counter()
    for slug in slugs:
        target = WORK / "pagefind-cli" / slug
        subprocess.run(
            [
                str(pagefind_executable()),
                "--site",
                str(out / slug),
                "--output-path",
                str(target),
                "--glob",
                "**/index.html",
            ],
            check=True,
            capture_output=True,
        )
        pages += sum(1 for _ in (out / slug).rglob("index.html"))
    seconds = time.perf_counter() - started
    return seconds / max(len(slugs), 1) * sites, pages


def first_search_kb(out: Path) -> float:
    """Largest first-search upper bound over all sites (sitegen.budget)."""
    from sitegen.budget import first_search_bytes, site_dirs

    return max(first_search_bytes(site) for site in site_dirs(out)) / 1024


def _html_pages(out: Path) -> list[Path]:
    """HTML pages of the built sites (not the hidden state and retired versions)."""
    pages: list[Path] = []
    for folder, dirs, names in os.walk(out):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        pages += [Path(folder) / n for n in names if n.endswith(".html")]
    return pages


def _edit(product: Path, number: int) -> None:
    """Change one sentence of a national product text (a real edit)."""
    text = product.read_text(encoding="utf-8")
    marker = "## Wat is het?\n"
    product.write_text(
        text.replace(marker, marker + f"Gewijzigd voor de benchmark ({number}).\n",
                     1),
        encoding="utf-8",
    )


def _a_local_text(content: Path) -> Path:
    """The first product file of a made-up gemeente with a local text."""
    for path in sorted((content / "gemeenten").glob("*/producten/*.md")):
        if "## Lokale informatie" in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"geen lokale tekst in {content}")


def _edit_local_text(path: Path) -> None:
    """Change one sentence of a gemeente's local text (a real edit)."""
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Heeft u vragen?", "Heeft u een vraag?", 1)
    if edited == text:
        raise SystemExit(f"{path}: de zin om aan te passen ontbreekt")
    path.write_text(edited, encoding="utf-8")


def average_page_bytes(out: Path) -> int:
    sizes = [p.stat().st_size for p in _html_pages(out)]
    return int(sum(sizes) / max(len(sizes), 1))


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return (ordered[middle] if len(ordered) % 2
            else (ordered[middle - 1] + ordered[middle]) / 2)


def _spread(values: list[float], digits: int = 1) -> str:
    """Median, and the range when there is more than one value."""
    text = f"{_median(values):.{digits}f} s"
    if len(values) > 1:
        text += f" (range {min(values):.{digits}f}–{max(values):.{digits}f})"
    return text


def touch_memory(limit: int = 16 * 1024**3) -> int:
    """Make the machine hand this VM's memory out once before measuring; bytes.

    A virtual machine may get its memory from the host only when it first uses
    it (Firecracker does). Here a build that needed fresh memory for its page
    cache was up to twice as slow as one that reused memory freed before, so
    the rounds became slower one after another as the outputs filled the page
    cache (~10 GB by the end of a run), and a comparison depended on its place
    in the run. Mapping that much memory once (filled in by the kernel) and
    freeing it lets every measurement reuse memory, as on a machine with all
    its memory in hand.

    It does not make the machine steady: this VM also hands memory that is
    freed back to its host (virtio-balloon free page reporting, see
    /sys/module/page_reporting/parameters), so memory freed during a run (a
    deleted output, a process that ended) can be new to it again. Seen on
    2026-12-05: a child process that took and freed 200 MB just before a
    build made the build's workers use ~12 % more CPU. Compare figures of one
    run only.
    """
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0
    size = min(limit, available - 4 * 1024**3)
    if size <= 0 or not hasattr(mmap, "MAP_POPULATE"):
        return 0
    # In a child process: Linux hands a process's peak memory on through fork
    # and exec, so mapping it here would show as every measured build's peak.
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | mmap.MAP_POPULATE
        code = 1  # the run then says it touched nothing
        try:
            mmap.mmap(-1, size, flags=flags).close()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return size if os.waitstatus_to_exitcode(status) == 0 else 0


def main() -> int:
    jobs = os.cpu_count() or 1
    print("geheugen één keer aanspreken…", flush=True)
    touched = touch_memory()
    # Nothing is deleted until every measurement is done: for minutes after many
    # files are deleted, ext4 skips their inodes when it makes new files
    # (recently_deleted() in ialloc.c), which makes creating files several times
    # slower, for the floor and the build alike. An older run is moved aside.
    trash = REPO / "build" / f"bench-old-{os.getpid()}"
    if WORK.exists():
        os.rename(WORK, trash)
    WORK.mkdir(parents=True)
    content = WORK / "content"
    shutil.copytree(REPO / "content", content)
    # The disk's speed also changes from minute to minute here, so the cold build
    # and the floor are measured in turns, ROUNDS times each, into new folders,
    # and compared per round.
    colds: list[dict] = []
    floors: list[Floor] = []
    replays: list[float] = []
    html_pages = page_bytes = 0
    shapes: list[Shape] = []
    for number in range(1, ROUNDS + 1):
        out = WORK / f"public-{number}"
        print(f"koude build van alle sites ({number}/{ROUNDS})…", flush=True)
        colds.append(measure_build(content, out, jobs))
        if not html_pages:
            page_bytes = average_page_bytes(out)
            html_pages = len(_html_pages(out))
            shapes = output_shapes(out)
        print(f"ondergrens met kale Jinja2 ({number}/{ROUNDS})…", flush=True)
        floors.append(measure_floor(WORK / f"floor-{number}", colds[0]["sites"],
                                    html_pages, page_bytes, jobs))
        replays.append(measure_replay_floor(WORK / f"replay-{number}", shapes, jobs))
    ram = measure_on_ram_disk(content, colds[0]["sites"], html_pages, page_bytes, jobs)
    own_content = WORK / "content-own-data"
    own_added = content_with_own_data(content, own_content)
    own_colds, own_floors, own_ratios = measure_rounds(
        own_content, "own", "elke gemeente met eigen gegevens", colds[0]["sites"],
        html_pages, page_bytes, jobs)
    facts_content = WORK / "content-own-facts"
    content_with_own_data(content, facts_content, product_facts=True)
    facts_colds, facts_floors, facts_ratios = measure_rounds(
        facts_content, "facts", "elke gemeente met eigen gegevens en productfeiten",
        colds[0]["sites"], html_pages, page_bytes, jobs)
    news_content = WORK / "content-own-news"
    content_with_own_data(content, news_content, product_facts=True,
                          home_and_news=True)
    news_colds, news_floors, news_ratios = measure_rounds(
        news_content, "news", "en met eigen homepagetekst en nieuws",
        colds[0]["sites"], html_pages, page_bytes, jobs)
    print("dezelfde: niets veranderd, en één eigen tekst aangepast…", flush=True)
    facts_out = WORK / f"facts-{OWN_DATA_ROUNDS}"
    facts_nochange = measure_build(facts_content, facts_out, jobs)
    local_text = _a_local_text(facts_content)
    _edit_local_text(local_text)
    facts_edit = measure_build(facts_content, facts_out, jobs)
    cold = colds[-1]
    files = sum(len(f) for _, f, _ in shapes)
    links = sum(len(shared) for _, _, shared in shapes)
    folders = sum(len(d) for d, _, _ in shapes)
    output_mb = sum(size for _, f, _ in shapes for _, size in f) / 1e6
    ratios = [c["wall"] / f for c, (f, _) in zip(colds, floors, strict=True)]
    inner_ratios = [c["wall"] / i for c, (_, i) in zip(colds, floors, strict=True)]
    print("build zonder wijziging…", flush=True)
    nochanges = [measure_build(content, out, jobs) for _ in range(ROUNDS)]
    nochange = nochanges[-1]
    product = sorted((content / "producten").glob("*.md"))[0]
    print(f"build na wijziging van {product.stem}…", flush=True)
    _edit(product, 1)
    first_edit = measure_build(content, out, jobs)
    # The first edit after a cold build stages every site from scratch (there is
    # no spare yet); every later build stages in the spares: the usual case.
    edits = []
    for number in range(2, ROUNDS + 2):
        print(f"build na nog een wijziging van {product.stem}…", flush=True)
        _edit(product, number)
        edits.append(measure_build(content, out, jobs))
    edit = edits[-1]
    print("zoeken: Pagefind-CLI per site ter vergelijking…", flush=True)
    cli_seconds, cli_pages = measure_pagefind_cli(out, cold["sites"])
    search_kb = first_search_kb(out)
    lines = [
        "# Benchmark results",
        "",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({jobs} cores, Python {platform.python_version()}). Produced by `make bench` "
        "(bench/run.py); wall times (of the build and the floor program alike) "
        "include start-up, imports (of modules compiled "
        "to bytecode, as Python keeps them; the templates likewise, in Jinja2's "
        "bytecode cache), loading content and the exit (which, as in the "
        "`samenloket` command, does not tear the interpreter down). "
        + (f"Before measuring, the run takes {touched / 1024**3:.0f} GB of memory "
           "once and frees it: this virtual machine gets memory from its host "
           "when it first uses it, which made each round slower than the one "
           "before as the outputs filled the page cache (bench/run.py, "
           "touch_memory). " if touched else "")
        + f"The cold build and the floor are measured in turns, {ROUNDS} times each "
        "(the disk here is much faster at some moments than at others); medians, "
        "with the range.",
        "",
        "| measurement | value |",
        "| --- | --- |",
        f"| sites | {cold['sites']} |",
        f"| files per full build | {cold['pages']} ({html_pages} HTML pages, "
        f"avg {page_bytes} bytes) |",
        f"| cold full build | {_spread([c['wall'] for c in colds])}, "
        f"{cold['pages'] / _median([c['wall'] for c in colds]):.0f} files/s; "
        f"CPU {_median([c['cpu'] for c in colds]):.1f} s over all processes; "
        f"{cold['stamped']} of {cold['rendered']} pages filled in from a shared "
        "shape |",
        f"| floor: a bare-Jinja2 program (bench/floor.py: the same pages, same "
        f"disk, {jobs} processes), timed like the build from its launch to its "
        f"exit | {_spread([f for f, _ in floors], 2)}; of that, rendering and "
        f"writing {_spread([i for _, i in floors], 2)} (the rest: starting Python "
        "and importing Jinja2) |",
        f"| cold build / floor, per round | {_median(ratios):.2f}× (range "
        f"{min(ratios):.2f}–{max(ratios):.2f}; target ≤ 2×); rounds, cold / "
        "floor: " + ", ".join(f"{c['wall']:.2f} / {f:.2f} s"
                              for c, (f, _) in zip(colds, floors, strict=True))
        + " |",
        f"| cold build / the floor's rendering and writing alone (how this was "
        f"reported up to 2026-12-05: the floor without its start-up, the build "
        f"with it) | {_median(inner_ratios):.2f}× (range {min(inner_ratios):.2f}–"
        f"{max(inner_ratios):.2f}) |",
        f"| for comparison: the same output written with no work (replay: "
        f"{folders} folders, {files} files, {output_mb:.0f} MB, {links} hard links, "
        f"HTML from the bare template) | {_spread(replays)}; cold build / replay "
        f"{_median([c['wall'] / r for c, r in zip(colds, replays, strict=True)]):.2f}"
        "× |",
        *_ram_rows(ram),
        f"| the same catalogue with data of its own for every gemeente (made up: "
        f"contact details and one or two desks, in 24 forms, for the {own_added} "
        f"without any, see content_with_own_data; {OWN_DATA_ROUNDS} rounds): cold "
        "build / floor | "
        f"{_spread([c['wall'] for c in own_colds])} / "
        f"{_spread([f for f, _ in own_floors], 2)}: {_median(own_ratios):.1f}×; "
        f"{_median([c['stamped'] for c in own_colds]):.0f} of "
        f"{own_colds[-1]['rendered']} pages filled in from a shared shape, "
        f"{own_colds[-1]['search']['local_built'] if own_colds[-1]['search'] else 0} "
        "local search bundles: sites whose data have the same form share a shape "
        "(their values filled in) and its local search bundle; this is "
        "what the build will cost once gemeenten fill in their data |",
        f"| the same, and each made-up gemeente also with facts of its own for 6 "
        f"to 15 products (made_up_product_facts: a delivery time, every second "
        f"one leges, every third an application link, every fourth a local text; "
        f"{OWN_DATA_ROUNDS} rounds): cold build / floor | "
        f"{_spread([c['wall'] for c in facts_colds])} / "
        f"{_spread([f for f, _ in facts_floors], 2)}: {_median(facts_ratios):.1f}×; "
        f"{_median([c['stamped'] for c in facts_colds]):.0f} of "
        f"{facts_colds[-1]['rendered']} pages filled in (a product page or export "
        "entry with facts of the gemeente's own is made for it alone), "
        f"{(facts_colds[-1]['search'] or {}).get('local_built', 0)} local search "
        "bundles (the sites of a shape share theirs, with the texts of their "
        "own, at most 10 in one) |",
        f"| the same catalogue: no-change rebuild; one gemeente's local text "
        f"edited ({local_text.parent.parent.name}/{local_text.name}) | "
        f"{facts_nochange['wall']:.2f} s, {facts_nochange['written']} files "
        f"written; {facts_edit['wall']:.2f} s, {facts_edit['rendered']} pages "
        f"re-rendered, {facts_edit['written']} files written, "
        f"{(facts_edit['search'] or {}).get('local_built', 0)} local search bundle "
        f"rebuilt and {(facts_edit['search'] or {}).get('sites_linked', 0)} sites "
        "relinked to it |",
        f"| the catalogue with product facts, and each made-up gemeente also with "
        "a homepage text of its "
        f"own and {NEWS_ITEMS} news items (made_up_home_and_news; "
        f"{OWN_DATA_ROUNDS} rounds): cold build / floor (of the pages without "
        "news) | "
        f"{_spread([c['wall'] for c in news_colds])} / "
        f"{_spread([f for f, _ in news_floors], 2)}: {_median(news_ratios):.1f}×; "
        f"{_median([c['stamped'] for c in news_colds]):.0f} of "
        f"{news_colds[-1]['rendered']} pages filled in, "
        f"{(news_colds[-1]['search'] or {}).get('local_built', 0)} local search "
        "bundles (a gemeente's homepage, news pages, news feed and sitemap are "
        "made for it alone; its homepage text and news are in the local search "
        "bundle it shares) |",
        f"| no-change rebuild | {_spread([n['wall'] for n in nochanges], 2)}, "
        f"{max(n['written'] for n in nochanges)} files written (target < 2 s, "
        "0 files) |",
        f"| one-product edit ({product.stem}), staged in the spares (every edit "
        f"but the first) | {_spread([e['wall'] for e in edits], 2)}, "
        f"{edit['rendered']} pages re-rendered ({edit['stamped']} filled in), "
        f"{edit['written']} files written, {edit['pieces']} export pieces rendered "
        "(target < 5 s) |",
        f"| the same, first edit after a cold build (no spares yet: every site "
        f"staged from scratch) | {first_edit['wall']:.2f} s |",
        f"| peak memory | parent {cold['parent_mb']:.0f} MB, largest worker "
        f"{cold['worker_mb']:.0f} MB (target < 2 GB) |",
        *_search_rows(
            cold, nochange, edit, product.stem, cli_seconds, cli_pages, search_kb
        ),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    for old in (trash, *(WORK / f"public-{n}" for n in range(1, ROUNDS)),
                *(WORK / f"floor-{n}" for n in range(1, ROUNDS + 1)),
                *(WORK / f"replay-{n}" for n in range(1, ROUNDS + 1)),
                *(WORK / f"own-{n}" for n in range(1, OWN_DATA_ROUNDS + 1)),
                *(WORK / f"own-floor-{n}" for n in range(1, OWN_DATA_ROUNDS + 1)),
                *(WORK / f"facts-{n}" for n in range(1, OWN_DATA_ROUNDS + 1)),
                *(WORK / f"facts-floor-{n}" for n in range(1, OWN_DATA_ROUNDS + 1))):
        shutil.rmtree(old, ignore_errors=True)  # the last build stays, to look at
    return 0


def measure_rounds(content: Path, name: str, label: str, sites: int,
                   html_pages: int, page_bytes: int, jobs: int
                   ) -> tuple[list[dict], list[Floor], list[float]]:
    """Cold builds of a made-up catalogue and the floor, in turns
    (OWN_DATA_ROUNDS each): the builds, the floors and the ratios per round."""
    colds: list[dict] = []
    floors: list[Floor] = []
    for number in range(1, OWN_DATA_ROUNDS + 1):
        print(f"koude build, {label} ({number}/{OWN_DATA_ROUNDS})…", flush=True)
        colds.append(measure_build(content, WORK / f"{name}-{number}", jobs))
        floors.append(measure_floor(WORK / f"{name}-floor-{number}", sites,
                                    html_pages, page_bytes, jobs))
    ratios = [c["wall"] / f for c, (f, _) in zip(colds, floors, strict=True)]
    return colds, floors, ratios


RAM_DISK = Path("/dev/shm")


def measure_command(content: Path, out: Path) -> float:
    """A cold build by the `samenloket build` command: the same build, run by
    Pelican's generator (sitegen.plugin), with Pelican's own start-up."""
    os.sync()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from samenloket.cli import run; run()",
         "--content", str(content), "--themes", "themes", "build",
         "--out", str(out), "--quiet"],
        cwd=REPO, capture_output=True, check=True)
    return time.perf_counter() - started


OWN_DATA_ROUNDS = 2


def content_with_own_data(source: Path, target: Path, product_facts: bool = False,
                          home_and_news: bool = False) -> int:
    """A copy of the content in which every gemeente has data of its own.

    Most gemeenten in content/ have none, so their sites differ only in their
    identity and are filled in from one shared shape (sitegen.shapes). Real
    gemeenten will each have their own contact details and desks, set in
    different ways: this copy gives each gemeente without data a phone
    number, a website, perhaps an e-mail address, one or two desks with
    opening hours in one of three patterns, by appointment or not, all made
    up (numbers with zeros, `.example` addresses) and marked as example data:
    24 forms of data (samenloket.stamp.local_form), spread by CBS code.
    `product_facts`: each also gets facts of its own for 6 to 15 products
    (made_up_product_facts), as the pilots have. `home_and_news`: each also
    gets a welcome text of its own and 6 news items (made_up_home_and_news),
    as every gemeente keeps its own homepage and news. Returns how many
    gemeenten got data.
    """
    import yaml

    from samenloket.loader import load_catalogue

    shutil.copytree(source, target)
    catalogue = load_catalogue(source, themes_dir=REPO / "themes")
    added = 0
    for code, gemeente in sorted(catalogue.gemeenten.items()):
        if code in catalogue.profiles:
            continue
        number = int(code[2:])
        folder = target / "gemeenten" / gemeente.slug
        folder.mkdir(parents=True)
        contact: dict[str, str] = {
            "phone": f"0000 {code[2:]}",  # no real number starts so
            "phone_hours": "Maandag tot en met vrijdag van 9.00 tot 17.00 uur.",
            "website": f"https://www.{gemeente.slug}.example",
        }
        if number % 2:
            contact["email"] = f"info@{gemeente.slug}.example"
        desks = [{"name": "Gemeentehuis", "address": f"Voorbeeldstraat {number}",
                  "postcode": "1234 AB", "city": gemeente.name,
                  "opening_hours": _made_up_hours(number // 4 % 3)}]
        if number // 2 % 2:
            desks.append({"name": f"Servicepunt {gemeente.name}",
                          "address": "Voorbeeldplein 2", "postcode": "1234 AC",
                          "city": gemeente.name,
                          "opening_hours": _made_up_hours(2)})
        if number // 12 % 2:
            desks[0].update(appointment_only=True, appointment_url=(
                f"https://www.{gemeente.slug}.example/afspraak"))
        profile = {"cbs_code": code, "example_data": True, "contact": contact,
                   "locations": desks}
        (folder / "gemeente.yaml").write_text(
            yaml.safe_dump(profile, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        if product_facts:
            (folder / "producten").mkdir()
            for slug, text in made_up_product_facts(catalogue, code).items():
                (folder / "producten" / f"{slug}.md").write_text(text, encoding="utf-8")
        if home_and_news:
            for name, text in made_up_home_and_news(gemeente.name).items():
                (folder / name).parent.mkdir(exist_ok=True)
                (folder / name).write_text(text, encoding="utf-8")
        added += 1
    return added


def made_up_product_facts(catalogue: Catalogue, code: str) -> dict[str, str]:
    """Product facts of one gemeente, made up as the pilots' are set (content
    files per product): for 6 to 15 of the products it offers by default, a
    delivery time; every second one leges of its own, every third an
    application link with DigiD, every fourth a local text naming the
    gemeente. Which products, and the amounts, follow the CBS code."""
    import yaml

    number = int(code[2:])
    gemeente = catalogue.gemeenten[code]
    offered = sorted(slug for slug, product in catalogue.products.items()
                     if product.default_offered)
    start = number * 7 % len(offered)
    chosen = (offered[start:] + offered[:start])[:6 + number % 10]
    files = {}
    for position, slug in enumerate(chosen):
        facts: dict[str, object] = {
            "example": True,
            "delivery_time": ("Binnen 5 werkdagen.", "Binnen 2 weken.",
                              "Meestal direct.")[(number + position) % 3]}
        if position % 2 == 0:
            facts["fees"] = {"year": 2026, "items": [
                {"label": catalogue.products[slug].title,
                 "amount": 10 + (number + position) % 40 + number % 100 / 100}]}
        if position % 3 == 0:
            facts.update(application_url=(
                f"https://www.{gemeente.slug}.example/{slug}/aanvragen"), login="digid")
        text = "---\n" + yaml.safe_dump(facts, allow_unicode=True, sort_keys=False)
        text += "---\n"
        if position % 4 == 0:
            text += ("\n## Lokale informatie\n\nHeeft u vragen? Bel de gemeente "
                     f"{gemeente.name} of kom langs bij het Gemeentehuis.\n")
        files[slug] = text
    return files


NEWS_ITEMS = 6


def made_up_home_and_news(name: str) -> dict[str, str]:
    """A gemeente's homepage text and NEWS_ITEMS news items (file name → text),
    as the pilots' home.md and nieuws/ are set."""
    files = {"home.md": (
        f"---\ntitle: Welkom bij de gemeente {name}\n---\n\nOp deze website leest "
        f"u hoe u uw zaken regelt met de gemeente {name}. Veel kunt u online "
        "doen, met DigiD. Liever persoonlijk contact? Kom langs of bel ons.\n")}
    for number in range(1, NEWS_ITEMS + 1):
        day = f"2026-{number:02d}-{10 + number}"
        files[f"nieuws/{day}-bericht-{number}.md"] = (
            f"Title: Nieuws {number} uit {name}\nDate: {day}\n"
            f"Summary: Wat er verandert in de gemeente {name} (bericht {number}).\n\n"
            f"Dit is bericht {number}. De gemeente {name} vertelt u wat er "
            "verandert en wat u moet doen.\n")
    return files


def _made_up_hours(pattern: int) -> list[dict[str, str]]:
    """Opening hours: working days, working days and a late Thursday, or three
    mornings a week."""
    days = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
    if pattern == 2:
        return [{"day": day, "open": "09:00", "close": "12:30"}
                for day in days[::2]]
    hours = [{"day": day, "open": "09:00", "close": "17:00"} for day in days]
    if pattern == 1:
        hours.insert(4, {"day": "donderdag", "open": "18:00", "close": "20:00"})
    return hours


RamRounds = tuple[list[float], list[Floor], list[float]]


def measure_on_ram_disk(content: Path, sites: int, pages: int, page_bytes: int,
                        jobs: int, rounds: int = 3) -> RamRounds:
    """The cold build, the floor and the `samenloket build` command once more,
    in turns, on a RAM disk: with no disk in the way, what is left of the
    ratio is the build's own work.

    ([], [], []) when there is no RAM disk with room (a build and a floor: ~1 GB).
    """
    try:
        stats = os.statvfs(RAM_DISK)
        if stats.f_bavail * stats.f_frsize < 3 * 1024**3:
            return [], [], []
    except OSError:
        return [], [], []
    root = RAM_DISK / f"samenloket-bench-{os.getpid()}"
    colds: list[float] = []
    floors: list[Floor] = []
    commands: list[float] = []
    try:
        # Each output is deleted before the next measurement (on a RAM disk that
        # costs nothing): here a RAM disk that already holds a build's ~600 MB
        # makes the next one's system calls up to 3 times slower, so every
        # measurement starts from the same empty disk.
        for number in range(rounds):
            print(f"op een RAM-schijf ({number + 1}/{rounds})…", flush=True)
            build = measure_build(content, root / "public", jobs)
            colds.append(build["wall"])
            shutil.rmtree(root)
            floors.append(measure_floor(root / "floor", sites, pages, page_bytes,
                                        jobs))
            shutil.rmtree(root)
            commands.append(measure_command(content, root / "command"))
            shutil.rmtree(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return colds, floors, commands


def _ram_rows(ram: RamRounds) -> list[str]:
    colds, floors, commands = ram
    if not colds:
        return []
    ratios = [c / f for c, (f, _) in zip(colds, floors, strict=True)]
    inner = [c / i for c, (_, i) in zip(colds, floors, strict=True)]
    return [
        f"| the same on a RAM disk ({RAM_DISK}, {len(colds)} rounds): cold build / "
        f"floor | {_spread(colds, 2)} / {_spread([f for f, _ in floors], 2)}: "
        f"{_median(ratios):.2f}× (range {min(ratios):.2f}–{max(ratios):.2f}); "
        f"against the floor's rendering and writing alone "
        f"({_spread([i for _, i in floors], 2)}): {_median(inner):.2f}×; with no "
        "disk in the way, this is the build's own work |",
        f"| the `samenloket build` command, same RAM disk (the same build run by "
        f"Pelican's generator, with Pelican's start-up) | {_spread(commands, 2)}: "
        f"{_median(commands) - _median(colds):+.2f} s against the cold build above, "
        f"{_median([c / f for c, (f, _) in zip(commands, floors, strict=True)]):.2f}× "
        "the floor |",
    ]


def _search_rows(
    cold: dict,
    nochange: dict,
    edit: dict,
    stem: str,
    cli_seconds: float,
    cli_pages: int,
    search_kb: float,
) -> list[str]:
    """Rows for the search index (sitegen/search.py), part of the builds above."""
    rows = []
    s = cold.get("search")
    if s:
        rows.append(
            f"| search index, cold build (included above) | {s['seconds']:.1f} s: "
            f"national bundle once ({s['national_pages']} pages), {s['local_built']} "
            f"local bundles, one per shape or group of sites with the same local data "
            f"({s['local_pages']} pages), {s['sites_linked']} sites linked |"
        )
    n = nochange.get("search")
    if n:
        rows.append(
            f"| search index, no-change rebuild | {n['seconds']:.2f} s, "
            f"{n['sites_linked']} sites touched |"
        )
    e = edit.get("search")
    if e:
        rows.append(
            f"| search index after one-product edit ({stem}) | {e['seconds']:.1f} s: "
            f"national rebuilt {'once' if e['national_built'] else 'not'} "
            f"({e['national_pages']} pages), {e['local_built']} local bundles, "
            f"{e['sites_linked']} sites relinked (hard links) |"
        )
    rows.append(
        f"| naive: Pagefind CLI over every whole site (3 timed, scaled to "
        f"{cold['sites']}) | {cli_seconds:.0f} s ({cli_pages} pages in the "
        "3 sites) |"
    )
    rows.append(
        f"| first search, upper bound over all sites (gzip) | "
        f"{search_kb:.0f} KB (target ≤ 200 KB) |"
    )
    return rows


if __name__ == "__main__":
    sys.exit(main())
