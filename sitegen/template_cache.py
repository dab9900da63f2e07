"""Compiled templates kept between builds, as Python keeps compiled modules.

Compiling the templates costs every build ~0.05 s before its workers can start
(they inherit the compiled templates). Jinja2's bytecode cache keeps the
compiled code in its own private folder in the temporary directory: Jinja
checks each template's source against the checksum stored with it, and the
file names carry a key of everything else that shapes the compiled code: our
code and themes (the build's code_version), the environment's options and the
Jinja version. Only the most recent keys are kept. A cache that cannot be read
or written is not used; the build never fails on it.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import jinja2
from jinja2.bccache import Bucket

PREFIX = "__samenloket_"
KEEP = 8  # key sets kept: the template folders of a build or two (one per theme
# with templates of its own), of a few checkouts or theme versions built in turn
_KEY_LENGTH = 16


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, but a file it cannot read or write is only a miss."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache(code_version: str, options: dict[str, Any],
                   folders: tuple[str, ...] = (), directory: str | None = None,
                   ) -> jinja2.BytecodeCache | None:
    """The bytecode cache for the templates in these folders compiled with
    these options by this code; None where there is no safe folder for it
    (Jinja checks that its default folder is the user's own).

    The template folders are part of the key, so that builds from many places
    (a test's copy of the themes, say) count as other keys and are cleaned up.
    """
    key = hashlib.blake2b(
        repr((code_version, sorted(options.items()), folders,
              jinja2.__version__)).encode(),
        digest_size=_KEY_LENGTH // 2).hexdigest()
    try:
        cache = _TemplateCache(directory, pattern=f"{PREFIX}{key}_%s.cache")
    except (OSError, RuntimeError):  # no temporary folder we may use
        return None
    _forget_old_keys(cache.directory, key)
    return cache


def _forget_old_keys(directory: str, key: str) -> None:
    """Delete the files of all but the KEEP most recently used keys (this one
    counts as the newest), so builds of many code versions do not pile up."""
    newest: dict[str, float] = {}
    files: list[tuple[str, str]] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.startswith(PREFIX):
                    continue
                other = entry.name[len(PREFIX):len(PREFIX) + _KEY_LENGTH]
                files.append((other, entry.path))
                mtime = entry.stat(follow_symlinks=False).st_mtime
                newest[other] = max(newest.get(other, 0.0), mtime)
    except OSError:
        return
    newest.pop(key, None)
    kept = set(sorted(newest, key=newest.__getitem__, reverse=True)[:KEEP - 1])
    for other, path in files:
        if other != key and other not in kept:
            try:
                os.unlink(path)
            except OSError:
                pass  # removed by another build meanwhile
