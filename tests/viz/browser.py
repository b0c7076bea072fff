"""Headless Chromium (Debian's chromium and chromium-driver) driven by selenium, for the report tests.

Only the system browser and the system chromedriver are used, never a
downloaded one; ``missing()`` says why no browser can run here (the tests skip
with that reason).
"""

import shutil
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip


def missing():
    """Why headless Chromium cannot run here, or None when it can."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            return f"no {path}: install Debian's {package} (apt-get install -y chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (it is in the test extra: pip install -e '.[test]')"
    return None


class Chromium:
    """``with Chromium() as browser: browser.get(url)``: a selenium driver with a fresh profile, closed after."""

    def __init__(self, width=1200, height=900):
        self.size = (width, height)

    def __enter__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="gradstep-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={self.profile}", f"--window-size={self.size[0]},{self.size[1]}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        return self.driver

    def __exit__(self, *exc):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


def screenshot(html_path, png_path, width=1200, height=1700):
    """Save a ``width`` x ``height`` screenshot of the top of ``html_path`` (the README's picture of the report)."""
    with Chromium(width, height) as driver:
        driver.get(Path(html_path).resolve().as_uri())
        driver.save_screenshot(str(png_path))
