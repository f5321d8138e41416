"""The app installs, and a new version replaces the old one's cache when the traveler accepts."""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

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


PWA = Path(__file__).resolve().parents[2] / "pwa"
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+\.js)["']""")
ASSET = re.compile(r'(?:href|src)="(/[^"]+)"')
ICON = re.compile(r'"(/icons/[^"]+)"')


def stamped_shell_files(client) -> list[str]:
    source = client.get("/sw.js").get_data(as_text=True)
    found = re.search(r"^const SHELL_FILES = (\[.*?\]);$", source, re.MULTILINE | re.DOTALL)
    return json.loads(found.group(1))


def modules_of(url: str, seen: set[str]) -> set[str]:
    """`url` and every module it imports, as URL paths, following the imports."""
    if url in seen:
        return seen
    seen.add(url)
    for target in IMPORT.findall((PWA / url.lstrip("/")).read_text()):
        modules_of(posixpath.normpath(posixpath.join(posixpath.dirname(url), target)), seen)
    return seen


def what_the_shell_needs() -> set[str]:
    """What the app loads to start: the page's links, the module graph, the manifest's icons,
    the icons the code and the worker's notifications name."""
    page = (PWA / "index.html").read_text()
    needed = {"/", *ASSET.findall(page)}
    for script in [url for url in set(needed) if url.endswith(".js")]:
        needed |= modules_of(script, set())
    manifest = json.loads((PWA / "manifest.webmanifest").read_text())
    needed |= {icon["src"] for icon in manifest["icons"]}
    for code in [*PWA.glob("js/**/*.js"), *PWA.glob("sw/*.js")]:
        needed |= set(ICON.findall(code.read_text()))
    return needed


def test_the_worker_precaches_every_file_the_app_shell_needs(live_app):
    listed = stamped_shell_files(live_app.test_client())
    needed = what_the_shell_needs()
    assert {"/js/app.js", "/js/outbox.js", "/sw/outbox-flush.js", "/vendor/idb.umd.js",
            "/icons/severity-extreme.png"} <= needed  # the walk above found the graph
    assert needed - set(listed) == set()
    # Not the traveler app's: the worker itself, the console and the libraries only it loads.
    assert "/sw.js" not in listed and "/index.html" not in listed
    assert not [url for url in listed if url.startswith(("/console", "/vendor/leaflet",
                                                         "/vendor/world-atlas"))]
    assert all(live_app.test_client().get(url).status_code == 200 for url in listed)


def test_the_precache_list_is_not_kept_by_hand():
    assert "const SHELL_FILES = [];" in (PWA / "sw.js").read_text()
    for code in [PWA / "sw.js", *PWA.glob("sw/*.js")]:
        assert '"/js/app.js"' not in code.read_text(), code


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
