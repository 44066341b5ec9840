"""The HTML report seen in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`, which .ci/run installs) opens the report of a shipped office and the page must
lay out: a long page, no console error, every chart drawn with a size, nothing fetched from
anywhere. A PNG of the first screen is saved; with KINERJA_SCREENSHOT=path it is saved there too
(the README's picture of the report's first page):

    KINERJA_SCREENSHOT=indicators/sumsel-2024/lkjip-halaman-1.png .venv/bin/python -m pytest tests/test_report_browser.py

Without Chromium the test is skipped, unless KINERJA_REQUIRE_BROWSER=1 (CI), where it fails.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import struct
from pathlib import Path

import pytest

from conftest import ROOT

OFFICE = ROOT / "indicators" / "sumsel-2024"
REQUIRED = os.environ.get("KINERJA_REQUIRE_BROWSER") == "1"
PAGE_PX = (794, 1123)        # an A4 page at 96 px per inch: the first screen is the first page


def chromium() -> tuple[str, str]:
    """The browser and its driver; skipped when absent (failed when CI requires them)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    missing = [name for name, found in (("chromium", browser), ("chromium-driver", driver)) if not found]
    if importlib.util.find_spec("selenium") is None:
        missing.append("selenium (the test extra)")
    if missing:
        why = "not installed: " + ", ".join(missing)
        if REQUIRED:
            pytest.fail(f"KINERJA_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    assert browser is not None and driver is not None
    return browser, driver


def report_html(tmp_path: Path, kinerja) -> Path:
    """The HTML report of a shipped office, written by the real command."""
    out = tmp_path / "lkjip.html"
    code, stdout, stderr = kinerja("report", OFFICE, "--data", OFFICE / "realisasi.toml", "--out", out)
    assert out.exists(), (code, stdout, stderr)
    return out


LEAST_HEIGHT = 4 * PAGE_PX[1]  # chapter III of a real office runs over several A4 pages


def test_report_lays_out_in_chromium(tmp_path, kinerja, indonesian):
    browser, driver_path = chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    page = report_html(tmp_path, kinerja)
    charts_written = page.read_text(encoding="utf-8").count('<figure class="chart"')
    assert charts_written > 0

    options = Options()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={PAGE_PX[0]},{PAGE_PX[1]}",
                     "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"):  # any fetch would fail loudly
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the driver named: selenium never looks for (or downloads) one itself
    session = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        session.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",   # the viewport itself, not the window
                                {"width": PAGE_PX[0], "height": PAGE_PX[1], "deviceScaleFactor": 1, "mobile": False})
        session.get(page.as_uri())
        height = session.execute_script("return document.documentElement.scrollHeight")
        sizes = session.execute_script(
            "return [...document.querySelectorAll('figure.chart > svg')]"
            ".map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })")
        fetched = session.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        title, heading = session.title, session.execute_script("return document.querySelector('h1').textContent")
        errors = [entry for entry in session.get_log("browser") if entry["level"] == "SEVERE"]
        shot = tmp_path / "lkjip.png"
        assert session.save_screenshot(str(shot))
        wanted = os.environ.get("KINERJA_SCREENSHOT")
        if wanted:
            shutil.copyfile(shot, wanted)
    finally:
        session.quit()

    assert errors == []
    assert fetched == []
    assert "III" in heading and title.startswith(heading + " — ")   # the chapter's title, printed and in <title>
    assert height > LEAST_HEIGHT, height       # the tables and charts laid out, not an empty or broken page
    assert len(sizes) == charts_written
    assert all(width > 300 and h > 100 for width, h in sizes), sizes
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert struct.unpack(">II", png[16:24]) == PAGE_PX        # the first A4 page, as the README shows it
