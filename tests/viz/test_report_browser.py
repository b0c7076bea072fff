"""The generated report.html in a real browser (headless Chromium): no console errors, every image shown."""

import io
import json

import numpy as np
import pytest

from . import browser
from .report_runs import train_and_resume



@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return train_and_resume(tmp_path_factory.mktemp("browser") / "run")


@pytest.fixture(scope="module")
def shown(run_dir):
    """(run folder, console log, image sizes, page text, screenshot PNG bytes) of the report in Chromium."""
    if browser.missing() is not None:
        pytest.skip(browser.missing())
    with browser.Chromium() as driver:
        driver.get((run_dir / "report.html").resolve().as_uri())
        log = driver.get_log("browser")
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        text = driver.find_element("tag name", "body").text
        screenshot = driver.get_screenshot_as_png()
    return run_dir, log, images, text, screenshot


def test_no_console_errors(shown):
    _, log, _, _, _ = shown
    assert [entry for entry in log if entry["level"] in ("SEVERE", "WARNING")] == []


def test_every_image_loaded(shown):
    _, _, images, _, _ = shown
    assert len(images) == 4
    for complete, width, height in images:
        assert complete and width > 0 and height > 0


def test_page_names_the_best_epoch_and_the_test_accuracy(shown):
    run_dir, _, _, text, _ = shown
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert f"best epoch: {metrics['best_epoch']}" in text
    assert f"test accuracy: {metrics['test']['accuracy']:.4f}" in text


def test_screenshot_is_not_blank(shown):
    from matplotlib import image

    *_, screenshot = shown
    pixels = image.imread(io.BytesIO(screenshot), format="png")[..., :3]
    assert pixels.shape[0] >= 600 and pixels.shape[1] >= 1000
    not_white = (pixels < 0.9).any(axis=-1).mean()
    assert not_white > 0.02  # text and boxes cover some of the first screen
    assert np.std(pixels) > 0.05
