"""End to end: a Zwolle editor previews a draft in Zwolle's theme, then publishes.

Real processes, as a newcomer runs them: the CMS (runserver on SQLite), the
preview server and the rebuild worker, driven by Playwright in Debian's Chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import FIXTURE_CONTENT, REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEW_TEXT = "Binnen 2 werkdagen, zo staat het in het nieuwe concept."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process stopped: {process.args}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}")


class Stack:
    def __init__(self, tmp: Path):
        self.content = tmp / "content"
        shutil.copytree(FIXTURE_CONTENT, self.content)
        self.public = tmp / "public"
        self.cms_port, self.preview_port = _free_port(), _free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "SAMENLOKET_CONTENT": str(self.content),
            "SAMENLOKET_OUTPUT": str(self.public),
            "SAMENLOKET_PREVIEW_URL": f"http://127.0.0.1:{self.preview_port}/preview",
        }
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "cms/manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def start(self, *command: str, port: int) -> None:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.processes.append(process)
        _wait_for(port, process)

    @property
    def cms(self) -> str:
        return f"http://127.0.0.1:{self.cms_port}"

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser`")
    stack = Stack(tmp_path)
    stack.manage("demo_setup")
    stack.start(
        sys.executable,
        "cms/manage.py",
        "runserver",
        "--noreload",
        f"127.0.0.1:{stack.cms_port}",
        port=stack.cms_port,
    )
    stack.start(
        sys.executable,
        "-m",
        "samenloket.cli",
        "preview",
        "--cms",
        stack.cms,
        "--port",
        str(stack.preview_port),
        port=stack.preview_port,
    )
    stack.manage(
        "shell",
        "-c",
        "from cms.publishing.rebuild import enqueue; enqueue('eerste build')",
    )
    stack.manage("rebuild_worker", "--once")
    try:
        yield stack
    finally:
        stack.stop()


def _local_page_id(stack: Stack) -> int:
    import json
    import urllib.request

    url = (
        f"{stack.cms}/api/v2/pages/?type=gemeenten.LocalProductPage"
        "&slug=grofvuil-ophalen"
    )
    with urllib.request.urlopen(url) as response:
        items = json.loads(response.read())["items"]
    assert len(items) == 1
    return items[0]["id"]


def test_zwolle_editor_previews_and_publishes(stack: Stack) -> None:
    """Preview shows the draft in Zwolle's theme; publishing rebuilds Zwolle only."""
    from playwright.sync_api import sync_playwright

    zwolle_page = stack.public / "zwolle/producten/grofvuil-ophalen/index.html"
    utrecht_page = stack.public / "utrecht/producten/grofvuil-ophalen/index.html"
    assert NEW_TEXT not in zwolle_page.read_text()
    utrecht_before = utrecht_page.stat()
    page_id = _local_page_id(stack)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(f"{stack.cms}/admin/login/")
        page.fill("#id_username", "zwolle")
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{stack.cms}/admin/")
        page.goto(f"{stack.cms}/admin/pages/{page_id}/edit/")
        page.fill("#id_delivery_time", NEW_TEXT)
        page.locator("[data-side-panel-toggle='preview']").click()
        preview_origin = f"http://127.0.0.1:{stack.preview_port}/preview/"
        deadline = time.monotonic() + 30
        frame = None
        while frame is None and time.monotonic() < deadline:
            frame = next(
                (
                    f
                    for f in page.frames
                    if f.url.startswith(preview_origin) and NEW_TEXT in f.content()
                ),
                None,
            )
            page.wait_for_timeout(250)
        assert frame is not None, [f.url for f in page.frames]
        html = frame.content()
        assert "/zwolle/producten/grofvuil-ophalen/" in frame.url
        assert "Concept: nog niet gepubliceerd" in html
        assert "static/img/logo.svg" in html  # Zwolle's own theme, not base
        theme_css = frame.evaluate(
            "getComputedStyle(document.documentElement)"
            ".getPropertyValue('--samenloket-header-background-color')"
        )
        assert theme_css.strip()
        # Nothing is live yet.
        assert NEW_TEXT not in zwolle_page.read_text()

        publish = page.locator("button[name='action-publish']")
        if not publish.is_visible():  # it sits in the footer's "more actions" menu
            page.locator("footer [data-w-dropdown-target='toggle']").first.click()
        with page.expect_navigation():
            publish.click()
        browser.close()

    log = stack.manage("rebuild_worker", "--once")
    assert "Zwolle" in log and "Utrecht" not in log
    assert NEW_TEXT in zwolle_page.read_text()
    after = utrecht_page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (
        utrecht_before.st_ino,
        utrecht_before.st_mtime_ns,
    )
    status = stack.manage(
        "shell",
        "-c",
        "from cms.publishing.models import SiteBuild; "
        "print([(s.cbs_code, s.status) for s in SiteBuild.objects.all()])",
    )
    assert "('GM0193', 'done')" in status
