"""Atomic, incremental output: a site is staged beside the live one and swapped.

Pelican's writer overwrites files in place, so a crash leaves a half site. Here a
new version of a site is staged in `public/.staging/<slug>/`: unchanged files are
hard links to the live files (no bytes copied, mtimes kept), changed files are
written fresh. Only when every site of a build has been staged are the staged
directories swapped in, each with one atomic rename (RENAME_EXCHANGE on Linux).
A build that changes nothing stages nothing and writes nothing.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

STATE_DIR = ".state"
STAGING_DIR = ".staging"
RETIRED_DIR = ".retired"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _libc_renameat2():  # pragma: no cover - depends on the platform
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    return func


_RENAMEAT2 = _libc_renameat2()


def exchange_dirs(staged: Path, live: Path) -> None:
    """Swap two directories in one step, so readers never see a missing site."""
    if _RENAMEAT2 is not None:
        result = _RENAMEAT2(
            _AT_FDCWD,
            os.fsencode(staged),
            _AT_FDCWD,
            os.fsencode(live),
            _RENAME_EXCHANGE,
        )
        if result == 0:
            return
    # Fallback (non-Linux): two renames; the site is briefly absent, never half.
    aside = staged.with_name(staged.name + ".old")
    os.rename(live, aside)
    os.rename(staged, live)
    os.rename(aside, staged)


def retire(old: Path, retired_dir: Path) -> None:
    """Move a replaced version aside at once; `purge_retired` deletes it later.

    Renaming is one system call, so the swap is not held up by deleting ~100
    files and folders per site.
    """
    retired_dir.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=f"{old.name}.", dir=retired_dir))
    os.rename(old, aside / "site")


def purge_retired(retired_dir: Path) -> None:
    """Delete everything retired so far with one background `rm -rf`.

    The build does not wait for it; whatever it has not finished when the
    machine stops is deleted by the next build.
    """
    if not retired_dir.is_dir():
        return
    doomed = [str(path) for path in retired_dir.iterdir()]
    if not doomed:
        return
    rm = shutil.which("rm")
    if rm is None:  # pragma: no cover - every Linux has rm
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)
        return
    subprocess.Popen([rm, "-rf", *doomed], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


@dataclass
class SiteState:
    """What the live site holds: per path its input fingerprint and content hash."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SiteState:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls({k: (v[0], v[1]) for k, v in raw["pages"].items()})
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return cls()

    def dumps(self) -> str:
        return json.dumps(
            {"pages": {k: list(v) for k, v in sorted(self.pages.items())}},
            separators=(",", ":"),
        )


@dataclass
class SiteChange:
    """The outcome of staging one site: what would change if it were swapped in."""

    slug: str
    staged: Path | None
    state: SiteState
    written: list[str]
    removed: list[str]
    unchanged: int

    @property
    def changed(self) -> bool:
        return self.staged is not None


class OutputTree:
    """The `public/` folder: live sites, their state, and the staging area."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def live(self, slug: str) -> Path:
        return self.root / slug

    def state_path(self, slug: str) -> Path:
        return self.root / STATE_DIR / f"{slug}.json"

    def load_state(self, slug: str) -> SiteState:
        if not self.live(slug).is_dir():
            return SiteState()
        return SiteState.load(self.state_path(slug))

    def stage(
        self,
        slug: str,
        state: SiteState,
        outputs: dict[str, bytes | None],
        fingerprints: dict[str, str],
    ) -> SiteChange:
        """Stage a new version of one site if anything differs from the live one.

        `outputs` maps every path of the new site to its bytes, or to None when
        the fingerprint says the live file is still right (not re-rendered).
        """
        live = self.live(slug)
        new_state = SiteState()
        to_write: dict[str, bytes] = {}
        unchanged = 0
        for path, data in outputs.items():
            if data is None:
                new_state.pages[path] = state.pages[path]
                unchanged += 1
                continue
            digest = content_hash(data)
            old = state.pages.get(path)
            new_state.pages[path] = (fingerprints[path], digest)
            if old is not None and old[1] == digest and (live / path).is_file():
                unchanged += 1
            else:
                to_write[path] = data
        removed = sorted(set(state.pages) - set(outputs))
        fingerprints_changed = new_state.pages != state.pages
        if not to_write and not removed:
            return SiteChange(
                slug,
                None,
                new_state if fingerprints_changed else state,
                [],
                [],
                unchanged,
            )
        staged = self.root / STAGING_DIR / slug
        if staged.exists():
            shutil.rmtree(staged)
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.mkdir()
        if live.is_dir():
            # Unchanged files are hard links to the live ones. Only the site's own
            # outputs are linked: the search index is installed afterwards.
            made: set[Path] = set()
            for path in outputs:
                if path in to_write:
                    continue
                target = staged / path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                os.link(live / path, target)
        for path, data in to_write.items():
            target = staged / path
            target.parent.mkdir(parents=True, exist_ok=True)
            # Never write through a hard link: that would change the live file.
            tmp = target.with_name(f".{target.name}.new")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return SiteChange(slug, staged, new_state, sorted(to_write), removed, unchanged)

    def save_state_only(self, change: SiteChange) -> None:
        """Record new fingerprints when pages re-rendered to identical bytes."""
        self._write_state(change.slug, change.state)

    def commit(self, change: SiteChange) -> None:
        """Swap a staged site in; the previous version is removed afterwards."""
        assert change.staged is not None
        live = self.live(change.slug)
        if live.is_dir():
            exchange_dirs(change.staged, live)
            retire(change.staged, self.root / RETIRED_DIR)
        else:
            live.parent.mkdir(parents=True, exist_ok=True)
            os.rename(change.staged, live)
        self._write_state(change.slug, change.state)

    def discard(self, changes: list[SiteChange]) -> None:
        """Throw away staged sites after a failed build; live sites stay as they are."""
        for change in changes:
            if change.staged is not None and change.staged.exists():
                shutil.rmtree(change.staged)
        staging = self.root / STAGING_DIR
        if staging.is_dir() and not any(staging.iterdir()):
            staging.rmdir()

    def _write_state(self, slug: str, state: SiteState) -> None:
        path = self.state_path(slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(state.dumps(), encoding="utf-8")
        os.replace(tmp, path)

    def write_file_if_changed(self, relative: str, data: bytes) -> bool:
        """Atomically write a top-level file (e.g. the index) only if it differs."""
        path = self.root / relative
        if path.is_file() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True
