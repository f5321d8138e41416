"""Public configuration, the UI catalogs, and the PWA's static files."""
from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Response, current_app, redirect, send_from_directory
from flask.views import MethodView
from flask_smorest import abort

from server.i18n import catalog_messages, catalog_plurals, text_direction
from server.web import blp, pages
from server.web.schemas import CatalogOut, PublicConfigOut
from server.web.shell import (
    PWA_DIR,
    SERVED_SUFFIXES,
    app_files,
    precache_urls,
    shell_version,
    stamp_worker,
)

# Files that must be revalidated every time so an update is seen at once.
NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest", "console/index.html"}
MIMETYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript"}


@blp.route("/config")
class PublicConfig(MethodView):
    @blp.response(200, PublicConfigOut)
    def get(self):
        """The ministry's identity, hotline and languages"""
        cfg = current_app.config
        return {
            "ministry_name": cfg["MINISTRY_NAME"],
            "home_country": cfg["HOME_COUNTRY"],
            "hotline": cfg["CONSULAR_HOTLINE"],
            "languages": [{"code": code, "name": Locale.parse(code).display_name,
                           "dir": text_direction(code)} for code in cfg["LANGUAGES"]],
            "default_language": cfg["BABEL_DEFAULT_LOCALE"],
        }


@blp.route("/i18n/<string:locale>.json")
class Catalog(MethodView):
    @blp.response(200, CatalogOut)
    def get(self, locale):
        """Every UI message of one language, for the apps"""
        if locale not in current_app.config["LANGUAGES"]:
            abort(404)
        directory = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
        return {"locale": locale, "dir": text_direction(locale),
                "messages": catalog_messages(directory, locale),
                **catalog_plurals(directory, locale)}


@pages.route("/")
def index():
    return _static("index.html")


@pages.route("/console")
def console_redirect():
    return redirect("/console/", code=308)


@pages.route("/console/")
def console():
    """The staff console (desktop-first, hash routes like the traveler app)."""
    return _static("console/index.html")


@pages.route("/sw.js")
def service_worker():
    """The service worker, stamped with the shell version (any change to the app updates it)
    and the list of the app's files it precaches, both from one walk of pwa/."""
    files = app_files()
    version = current_app.config.get("PWA_VERSION") or shell_version(files)
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    body = stamp_worker(source, version, precache_urls(files))
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@pages.route("/<shell:filename>")
def static_file(filename: str):
    return _static(filename)


def _static(filename: str):
    suffix = Path(filename).suffix
    if suffix not in SERVED_SUFFIXES:
        abort(404)
    response = send_from_directory(PWA_DIR, filename, max_age=0 if filename in NO_CACHE else 3600,
                                   mimetype=MIMETYPES.get(suffix))
    if filename in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    return response
