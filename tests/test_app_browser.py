"""The app in a real browser: served headless on a loopback port, driven by Debian's
chromium through Playwright (no browser download: never `playwright install`).

Loads the example, solves, opens the review, picks a person, downloads the workbook,
and saves a screenshot of each page under the test's tmp folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, served on a free loopback port until the module's tests are done."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_example_solve_review_person_download(server: str, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(30_000)

            def nav(title: str) -> None:
                page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
                page.get_by_role("heading", name=title).wait_for()

            def shot(name: str) -> None:
                page.wait_for_timeout(500)  # let the last element render
                page.screenshot(path=shots / f"{name}.png", full_page=True)

            page.goto(server)
            page.get_by_text("No problems: 41 sessions").wait_for()
            shot("1-data")

            nav("Solve")
            limit = page.get_by_label("Time limit (seconds)")
            limit.fill("3")
            limit.press("Enter")
            page.get_by_role("button", name="Solve", exact=True).click()
            page.get_by_text("A schedule that keeps every rule").or_(
                page.get_by_text("Best possible")
            ).wait_for(timeout=60_000)
            shot("2-solve")

            nav("Review")
            page.get_by_role("tab", name="Day grid").wait_for()
            shot("3-review-grid")
            page.get_by_role("tab", name="People").click()
            search = page.get_by_label("Search by name, institution or group")
            search.fill("Halmstad University")
            search.press("Enter")
            page.get_by_text("Person (").wait_for()
            # the person picker now shows someone of that institution (the agenda is a canvas grid)
            person = page.get_by_label("Person (18 found)")
            person.wait_for()
            assert person.input_value().endswith("(Halmstad University)")
            shot("4-review-person")

            nav("Adjust")
            page.get_by_text("Every hard rule holds").wait_for()
            shot("5-adjust")

            nav("Download")
            button = page.get_by_role("button", name="Schedule workbook (schedule.xlsx)")
            with page.expect_download() as info:
                button.click()
            saved = tmp_path / "schedule.xlsx"
            info.value.save_as(saved)
            shot("6-download")
        except Exception:
            page.screenshot(path=shots / "failure.png", full_page=True)
            raise
        finally:
            browser.close()
    assert saved.read_bytes()[:2] == b"PK"
    from openpyxl import load_workbook

    assert "Sessions" in load_workbook(saved, read_only=True).sheetnames
    assert sorted(f.name for f in shots.iterdir()) == [
        "1-data.png",
        "2-solve.png",
        "3-review-grid.png",
        "4-review-person.png",
        "5-adjust.png",
        "6-download.png",
    ]
