"""Phone-size screenshots in three languages (for test-artifacts/ and the README), and RTL."""
from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The README's set: (language, screen) -> file name under docs/screenshots/.
README_SET = {("en", "welcome"): "welcome.png", ("en", "trips"): "trips.png",
              ("en", "trip"): "trip.png", ("en", "settings"): "settings.png",
              ("ar", "trips"): "trips-ar.png", ("zh_Hant", "trips"): "trips-zh_Hant.png"}


@cache
def has_cjk_font() -> bool:
    """Without one, Chinese renders as boxes: keep such shots out of the README."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True,  # noqa: S607
                               timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def shoot(page, artifacts, language, screen):
    page.wait_for_load_state("networkidle")
    path = artifacts / f"{screen}-{language}.png"
    page.screenshot(path=str(path), full_page=False)
    if language.startswith("zh") and not has_cjk_font():
        return
    if (language, screen) in README_SET:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / README_SET[language, screen])


def choose_language(page, language):
    page.goto("/#/welcome")
    page.wait_for_selector("html[data-ready]")
    page.select_option(".language-picker select", language)
    tag = language.replace("_", "-")
    page.wait_for_function(f"() => document.documentElement.lang === '{tag}'")


@pytest.mark.parametrize("language", ["en", "zh_Hant", "ar"])
def test_main_screens_at_phone_size(page, traveler, artifacts, language):
    choose_language(page, language)
    shoot(page, artifacts, language, "welcome")
    traveler.sign_up()
    traveler.add_trip(country="JP", city="Kyoto")
    shoot(page, artifacts, language, "trip")
    page.goto("/#/trips")
    page.wait_for_selector("#trip-list")
    shoot(page, artifacts, language, "trips")
    page.goto("/#/trips/new")
    page.wait_for_selector('[data-path="legs.0.country"]')
    shoot(page, artifacts, language, "trip-form")
    page.goto("/#/alerts")
    page.wait_for_selector("main h1")
    shoot(page, artifacts, language, "alerts")
    page.goto("/#/settings")
    page.wait_for_selector(".settings-section")
    shoot(page, artifacts, language, "settings")

    html = page.locator("html")
    if language == "ar":
        assert html.get_attribute("dir") == "rtl"
        # The brand starts at the right edge and the SOS button sits at the left.
        brand = page.locator("#brand").bounding_box()
        sos = page.locator("#sos-button").bounding_box()
        width = page.viewport_size["width"]
        assert brand["x"] + brand["width"] > width - 40
        assert sos["x"] < width / 2
    else:
        assert html.get_attribute("dir") == "ltr"
        assert page.locator("#brand").bounding_box()["x"] < 40

    # The SOS screen has its own large control in place of the floating button.
    page.goto("/#/sos")
    page.wait_for_selector(".sos-calls")
    assert page.locator("#sos-hold").is_visible()
    assert not page.locator("#sos-button").is_visible()
    shoot(page, artifacts, language, "sos")
