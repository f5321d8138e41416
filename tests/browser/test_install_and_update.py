"""The app installs, and a new version replaces the old one's cache when the traveler accepts."""
from __future__ import annotations

import pytest

from tests.browser.pushing import wait_until


def test_app_is_installable(browser_type, browser_type_launch_args, base_url, tmp_path):
    context = browser_type.launch_persistent_context(str(tmp_path / "profile"),
                                                     **browser_type_launch_args)
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        page.wait_for_selector("html[data-ready]")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert not manifest.get("errors")
    finally:
        context.close()


def test_manifest_and_worker_are_served_for_installation(live_app):
    client = live_app.test_client()
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.headers["Cache-Control"] == "no-cache"
    purposes = {icon["purpose"] for icon in manifest.json["icons"]}
    assert purposes == {"any", "maskable"}
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert 'const VERSION = "dev";' not in worker.get_data(as_text=True)
    assert client.get("/icons/make_icons.py").status_code == 404


def test_every_app_module_is_in_the_offline_shell():
    from pathlib import Path

    pwa = Path(__file__).resolve().parents[2] / "pwa"
    listed = (pwa / "sw" / "cache.js").read_text()
    for path in [*pwa.glob("js/**/*.js"), *pwa.glob("vendor/*.js"), *pwa.glob("css/*.css")]:
        assert f'"/{path.relative_to(pwa).as_posix()}"' in listed, path


@pytest.fixture
def new_version(live_app):
    yield lambda version: live_app.config.__setitem__("PWA_VERSION", version)
    live_app.config.pop("PWA_VERSION", None)


def shell_caches(page):
    return page.evaluate(
        "caches.keys().then((keys) => keys.filter((k) => k.startsWith('compatriot-shell-')))")


def test_accepted_update_replaces_the_old_shell_cache(page, traveler, new_version):
    new_version("v-old")
    traveler.open("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => caches.has('compatriot-shell-v-old')")
    assert not page.locator("#update").is_visible()

    new_version("v-new")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("#update", state="visible")
    # Until the traveler accepts, the running version and its cache stay.
    assert "compatriot-shell-v-old" in shell_caches(page)
    with page.expect_navigation():
        page.click("#update-button")
    page.wait_for_selector("html[data-ready]")
    # Polled from here: wait_for_function does not await a promise (it is truthy at once).
    wait_until(lambda: not page.evaluate("() => caches.has('compatriot-shell-v-old')"),
               what="the old shell cache deleted")
    assert shell_caches(page) == ["compatriot-shell-v-new"]
    assert not page.locator("#update").is_visible()
