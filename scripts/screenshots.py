"""Screenshots of the pages a reader should see, at a phone's width and a laptop's.

    .venv/bin/python scripts/screenshots.py              # starts its own demo, then stops it
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000   # a demo running

Writes ``docs/images/<page>-<width>.png`` for the Aim 2 page, a child's journey and an
import whose children file has wrong headings, at 320 px and 1366 px wide, from the demo's
synthetic authority (signed in as the demo's data lead). Each image is the top of the
page, as tall as a screen shows and a little more, so the reader sees what comes first.
Uses the Chromium the browser tests use (``PERMANENCE_CHROMIUM`` or ``chromium``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from playwright.sync_api import FloatRect, Page, sync_playwright

REPOSITORY = Path(__file__).resolve().parents[1]
IMAGES = REPOSITORY / "docs" / "images"
WIDTHS = (320, 1366)
# How much of each page to show (height in px at 320 and at 1366): the Aim 2 page down to
# its run chart, the others their first screens and a little more.
HEIGHTS = {
    "aim-2": {320: 3400, 1366: 2000},
    "child-journey": {320: 2400, 1366: 1400},
    "import-error": {320: 2400, 1366: 1400},
}
PASSWORD = "permanence-demo"  # noqa: S105 - the demo's published password


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a demo already running (default: start one)")
    arguments = parser.parse_args()
    IMAGES.mkdir(parents=True, exist_ok=True)
    if arguments.url:
        take_all(arguments.url.rstrip("/"))
    else:
        with running_demo() as url:
            take_all(url)
    return 0


@contextmanager
def running_demo() -> Iterator[str]:
    """The demo on a free port in a folder of its own, stopped (and removed) afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="permanence-screenshots-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    permanence = Path(sys.executable).with_name("permanence")
    command = [str(permanence), "demo", "--port", str(port)]
    demo = subprocess.Popen(  # noqa: S603 - our own command, our own arguments
        [*command, "--dir", str(folder)],
        cwd=REPOSITORY,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, demo)
        yield url
    finally:
        demo.terminate()
        demo.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(url: str, demo: subprocess.Popen[bytes], seconds: int = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            raise SystemExit("the demo stopped before it was ready")
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=5)  # noqa: S310 - http only
            return
        except OSError:
            time.sleep(2)
    raise SystemExit("the demo was not ready in time")


def take_all(url: str) -> None:
    chromium = os.environ.get("PERMANENCE_CHROMIUM") or shutil.which("chromium")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-GB")
        sign_in(page, url)
        pages = {
            "aim-2": f"{url}/aims/aim_2/",
            "child-journey": first_child(page, url),
            "import-error": misheaded_import(page, url),
        }
        for name, address in pages.items():
            for width in WIDTHS:
                height = HEIGHTS[name][width]
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(address)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)  # the charts draw after the page has loaded
                full = page.evaluate("document.documentElement.scrollHeight")
                path = IMAGES / f"{name}-{width}.png"
                clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": min(height, full)}
                page.screenshot(path=str(path), full_page=True, clip=clip)
                print(f"wrote {path.relative_to(REPOSITORY)}")
        browser.close()


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("datalead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def first_child(page: Page, url: str) -> str:
    page.goto(f"{url}/children/")
    href = page.locator("table a[href^='/children/']").first.get_attribute("href")
    return f"{url}{href}"


def misheaded_import(page: Page, url: str) -> str:
    """Upload a synthetic extract whose children file heads two columns wrongly."""
    from permanence.synth import generate
    from permanence.synth.writers import write_csv

    with tempfile.TemporaryDirectory() as folder:
        files = write_csv(generate(60, 1, end=date(2026, 3, 31)), Path(folder))
        children = Path(folder) / "children.csv"
        header, rest = children.read_text(encoding="utf-8").split("\n", 1)
        header = header.replace("child_ref", "Child Reference").replace("date_of_birth", "DOB")
        children.write_text(f"{header}\n{rest}", encoding="utf-8")
        page.goto(f"{url}/imports/new/")
        page.set_input_files("input[type=file]", [str(path) for path in files])
        page.fill("input[type=date]", "2026-03-31")
        page.get_by_role("button", name="Check the extract").click()
        page.wait_for_load_state()
    return page.url


if __name__ == "__main__":
    raise SystemExit(main())
