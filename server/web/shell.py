"""The traveler app's files: one walk gives both the version digest stamped into /sw.js and
the list of files the service worker precaches, so neither is kept by hand."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa"
# Only the app's own kinds of files are served (not the icon script or READMEs).
SERVED_SUFFIXES = {".html", ".js", ".css", ".png", ".svg", ".webmanifest", ".json", ".ico"}
# Served, but not the traveler app's: the staff console and the libraries only it loads.
NOT_THE_APP = ("console/", "vendor/leaflet/", "vendor/topojson-client/", "vendor/world-atlas/")
# The worker script is fetched by the browser's update check, never from the shell cache.
WORKER = "sw.js"
# The lines of sw.js that the server fills in (see stamp_worker).
VERSION_LINE = re.compile(r'^const VERSION = "[^"]*";$', re.MULTILINE)
FILES_LINE = re.compile(r"^const SHELL_FILES = \[\];$", re.MULTILINE)


def app_files() -> list[str]:
    """Every file of the traveler app, relative to pwa/ ("js/app.js"), sorted."""
    found = []
    for path in PWA_DIR.rglob("*"):
        name = path.relative_to(PWA_DIR).as_posix()
        if path.is_file() and path.suffix in SERVED_SUFFIXES and not name.startswith(NOT_THE_APP):
            found.append(name)
    return sorted(found)


def shell_version(files: list[str]) -> str:
    """A short digest of the app's files: a new deployment gets new caches without a bump."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode())
        digest.update((PWA_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


def precache_urls(files: list[str]) -> list[str]:
    """What the worker caches on install: the app's files by URL, index.html as "/"."""
    return ["/" if name == "index.html" else "/" + name for name in files if name != WORKER]


def stamp_worker(source: str, version: str, urls: list[str]) -> str:
    """sw.js with this deployment's shell version and precache list written in."""
    body = VERSION_LINE.sub(f'const VERSION = "{version}";', source, count=1)
    listed = json.dumps(urls, indent=2)
    return FILES_LINE.sub(lambda _match: f"const SHELL_FILES = {listed};", body, count=1)
